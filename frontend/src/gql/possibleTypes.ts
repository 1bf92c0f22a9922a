
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
      "ReadReceiptEvent",
      "WarningEvent"
    ]
  }
};
      export default result;
    