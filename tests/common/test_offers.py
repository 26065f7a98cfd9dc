"""The offered payloads a citizen may send back: kept per citizen, aged out, bounded in number."""

from __future__ import annotations

import time

from common import keys
from common.messages import BotMessage, Button
from common.offers import MAX_OFFERS_KEPT, OFFER_TTL_SECONDS, OfferedPayloads

SENDER = "console:warga"


def offer(*payloads: str) -> list[BotMessage]:
    return [BotMessage(text="Pilih:", buttons=tuple(Button(title=p, payload=p) for p in payloads))]


async def offered(redis, payload: str) -> bool:
    return OfferedPayloads(redis).offered(await redis.zscore(keys.offered_payloads(SENDER), payload))


async def test_offered_payloads_are_found_and_typed_text_or_others_payloads_are_not(redis_async):
    offers = offer('/inform_date{"date":"today"}', "Bukan payload")
    await OfferedPayloads(redis_async).remember(SENDER, offers)
    assert await offered(redis_async, '/inform_date{"date":"today"}')
    assert not await offered(redis_async, "Bukan payload")  # only payloads are remembered
    assert not await offered(redis_async, '/inform_date{"date":"yesterday"}')
    key = keys.offered_payloads(SENDER)
    assert 0 < await redis_async.ttl(key) <= OFFER_TTL_SECONDS


async def test_old_offers_are_trimmed_and_at_most_so_many_are_kept(redis_async):
    key = keys.offered_payloads(SENDER)
    await redis_async.zadd(key, {"/yesterdays": time.time() - OFFER_TTL_SECONDS - 60})
    many = [f'/pilih{{"nomor":{i}}}' for i in range(MAX_OFFERS_KEPT + 5)]
    await OfferedPayloads(redis_async).remember(SENDER, offer(*many))
    assert await redis_async.zscore(key, "/yesterdays") is None
    assert await redis_async.zcard(key) == MAX_OFFERS_KEPT
