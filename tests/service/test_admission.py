"""Admission control lets at most N requests into the application at once."""

import anyio
import httpx

from service.admission import AdmissionMiddleware


def test_no_more_than_the_limit_run_at_once() -> None:
    inside = {"now": 0, "most": 0}

    async def app(scope, receive, send):  # type: ignore[no-untyped-def]
        inside["now"] += 1
        inside["most"] = max(inside["most"], inside["now"])
        await anyio.sleep(0.01)
        inside["now"] -= 1
        await send({"type": "http.response.start", "status": 204, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    async def main() -> list[int]:
        transport = httpx.ASGITransport(app=AdmissionMiddleware(app, limit=3))
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            statuses: list[int] = []

            async def one() -> None:
                statuses.append((await client.get("/")).status_code)

            async with anyio.create_task_group() as group:
                for _ in range(12):
                    group.start_soon(one)
            return statuses

    statuses = anyio.run(main)
    assert statuses == [204] * 12
    assert inside["most"] == 3
