"""Fault: the process sending a webhook delivery (`intent scheduler`) SIGKILLed while the
receiver holds the request. A new one sends the event again with the same `webhook-id`, and
both requests carry signatures the reference Standard Webhooks library verifies."""

import time
from dataclasses import replace

import pytest
from standardwebhooks import Webhook

from data.metadata.models import OrgId
from engine.states import DeliveryStatus, RunType
from jobs.execute import execute_run
from jobs.services import connect
from jobs.settings import Settings
from jobs.submit import submit_run
from jobs.urlguard import UrlGuard
from jobs.webhooks import create_endpoint
from jobs.work import InlineRunner
from tests.jobs.factories import FakeClock, audience_maker, publish_tiny
from tests.jobs.polling import wait_for
from tests.jobs.processes import running
from tests.jobs.webhook_receiver import receiver

TICK, TIMEOUT = 1, 2
LEASE = TIMEOUT * 2 + 5  # how long a claimed attempt is the claimer's (jobs/webhooks.py)

pytestmark = [pytest.mark.faults, pytest.mark.slow, pytest.mark.redis]


def sender_env(env: dict[str, str]) -> dict[str, str]:
    return {
        **env,
        "INTENT_TICK_SECONDS": str(TICK),
        "INTENT_WEBHOOK_TIMEOUT_SECONDS": str(TIMEOUT),
        "INTENT_WEBHOOKS_ALLOW_PRIVATE": "1",
    }


def completed_run(deps, audience):
    """A run of `audience`, executed here (no worker) with a tiny snapshot."""
    inline = replace(deps, runner=InlineRunner(publish_tiny))
    run = submit_run(inline, audience=audience, run_type=RunType.MANUAL, data_date=None,
                     now=deps.clock())  # fmt: skip
    execute_run(inline, run.id)
    return deps.store.get_run(run.id)


def test_a_delivery_cut_by_a_sigkill_is_sent_again_with_the_same_webhook_id(
    redis_env, tmp_path, record_property
) -> None:
    env = sender_env(redis_env)
    deps = connect(Settings.from_env(env)).deps
    with receiver([200], hold=True) as hook:
        audience = audience_maker(deps.store, FakeClock())(status="draft")
        org = OrgId(audience.organization_id)
        endpoint = create_endpoint(deps.store, org, hook.url, ["run.completed"], deps.clock(),
                                   UrlGuard(allow_private=True))  # fmt: skip
        run = completed_run(deps, audience)
        with running(["scheduler"], env, tmp_path / "first-sender.log") as first:
            assert hook.arrived.wait(60), "no delivery arrived within 60 s"
            first.kill()  # the receiver still holds the request: the attempt has no outcome
            first.wait()
        killed_at = time.monotonic()
        [cut] = deps.store.list_deliveries(endpoint.id, 10)
        assert (cut.status, cut.attempts, cut.last_status_code) == (DeliveryStatus.PENDING, 1, None)
        hook.release.set()
        with running(["scheduler"], env, tmp_path / "second-sender.log"):
            wait_for(lambda: len(hook.requests) >= 2, seconds=LEASE + 30, message="a resend")
            resent_after = time.monotonic() - killed_at
            done = wait_for(
                lambda: _succeeded(deps, cut.id), seconds=30, message="the delivery succeeded"
            )
    record_property("seconds_from_sigkill_to_resend", round(resent_after, 2))
    print(f"\nwebhook sender SIGKILLed mid-delivery: sent again after {resent_after:.2f} s")
    first_request, resent = hook.requests[:2]
    assert first_request.headers["webhook-id"] == resent.headers["webhook-id"] == cut.id
    for request in (first_request, resent):
        verified = Webhook(endpoint.secret).verify(request.body, request.headers)
        assert (verified["type"], verified["data"]["id"]) == ("run.completed", run.id)
    assert (done.attempts, done.last_status_code) == (2, 200)
    assert resent_after >= LEASE - 1  # not before the cut attempt's lease ran out


def _succeeded(deps, delivery_id):
    delivery = deps.store.get_delivery(delivery_id)
    return delivery if delivery.status == DeliveryStatus.SUCCEEDED else None
