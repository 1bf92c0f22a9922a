"""What a Parley process counts for its operators: messages sent, events handed to subscribers,
the sockets and subscriptions open, and how the channel layer is doing (broadcasts that failed,
events held and re-sent, rooms the hub joined and lost, catch-ups reconciliation asked for).

Each is a prometheus-client counter or gauge: an increment, no lock held across an await, no
I/O. Under several worker processes (PROMETHEUS_MULTIPROC_DIR, set by project.serve) every
process writes its own file and /metrics adds them up; gauges count live processes only."""

from prometheus_client import Counter, Gauge

MESSAGES_SENT = Counter("parley_messages_sent", "Messages committed (text, files and bids), counted on commit.")
EVENTS_DELIVERED = Counter(
    "parley_events_delivered",
    "Events a subscription sent to its client, by subscription field.",
    ["subscription"],
)
MESSAGE_ADDED_DELIVERED = EVENTS_DELIVERED.labels("messageAdded")
ROOM_ACTIVITY_DELIVERED = EVENTS_DELIVERED.labels("roomActivity")
SOCKETS_OPEN = Gauge("parley_sockets_open", "Authenticated GraphQL WebSockets open.", multiprocess_mode="livesum")
SUBSCRIPTIONS_OPEN = Gauge(
    "parley_subscriptions_open",
    "Subscriptions running, by subscription field.",
    ["subscription"],
    multiprocess_mode="livesum",
)
MESSAGE_ADDED_OPEN = SUBSCRIPTIONS_OPEN.labels("messageAdded")
EVENT_RESULTS = Counter(
    "parley_event_results",
    "Live message events whose selection is the same for every subscriber (schema.shared): "
    "executed once per process, then shared with the room's other subscriptions here.",
    ["way"],
)
EVENT_RESULTS_EXECUTED = EVENT_RESULTS.labels("executed")
EVENT_RESULTS_SHARED = EVENT_RESULTS.labels("shared")
ROOM_ACTIVITY_OPEN = SUBSCRIPTIONS_OPEN.labels("roomActivity")

BROADCAST_FAILURES = Counter(
    "parley_broadcast_failures", "Broadcasts the channel layer refused (the write they describe committed)."
)
EVENTS_HELD = Gauge(
    "parley_events_held", "Events the announcer holds to re-send once the layer answers.", multiprocess_mode="livesum"
)
EVENTS_RESENT = Counter("parley_events_resent", "Held events the announcer re-sent once the layer took them.")
HELD_EVENTS_DROPPED = Counter(
    "parley_held_events_dropped",
    "Events not held (the announcer was full) or refused for good; reconciliation catches their rooms up.",
)
HUB_ROOMS_JOINED = Gauge(
    "parley_hub_rooms_joined",
    "Room groups the process's hub is in (rooms with a subscription here).",
    multiprocess_mode="livesum",
)
HUB_ROOMS_LOST = Counter(
    "parley_hub_rooms_lost", "Times the hub found itself out of a room's group (a failed join or receive)."
)
HUB_ROOMS_REJOINED = Counter("parley_hub_rooms_rejoined", "Rooms the hub joined again after losing them.")
HUB_RECEIVE_FAILURES = Counter("parley_hub_receive_failures", "Failed reads of the hub's channel.")
RECONCILE_CATCH_UPS = Counter(
    "parley_reconcile_catch_ups",
    "Subscriptions that reconciliation found behind their room's newest message and caught up.",
)
RECONCILE_FAILURES = Counter("parley_reconcile_failures", "Rounds of reconciliation whose read of room heads failed.")
