import httpx, pytest
from tests.e2e.conftest import api
pytestmark = pytest.mark.e2e

def test_probe(server, pair):
    q = {"query": 'subscription($r: ID!) { messageAdded(roomId: $r) { __typename } }', "variables": {"r": pair.room_id}}
    for tok in (None, pair.outsider_token, pair.organizer_token):
        h = {"Accept": "multipart/mixed;subscriptionSpec=1.0, application/json"}
        if tok: h["Authorization"] = f"Bearer {tok}"
        try:
            with httpx.stream("POST", server.http, json=q, headers=h, timeout=3) as r:
                print(r.status_code, r.headers.get("content-type"))
                for chunk in r.iter_bytes():
                    print(repr(chunk[:300]))
        except Exception as e:
            print("EXC", repr(e))
        r = httpx.post(server.http, json=q, headers={k: v for k, v in h.items() if k != "Accept"}, timeout=3)
        print("plain", r.status_code, r.text[:300])
