
      export interface PossibleTypesResultData {
        possibleTypes: {
          [key: string]: string[]
        }
      }
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "RoomEvent": [
      "BidEvent",
      "MessageEvent",
      "MessageUpdatedEvent",
      "PresenceEvent",
      "ReadReceiptEvent",
      "TypingEvent",
      "WarningEvent"
    ]
  }
};
      export default result;
    