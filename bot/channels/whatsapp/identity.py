"""Who a WhatsApp user is, as Meta delivers it since usernames (2026): a business-scoped user id (BSUID,
`US.13491208655302741918`) in every delivery, and the phone number only while Meta shares it.

The BSUID is the user id of the conversation (`whatsapp:<BSUID>`): it stays when a citizen adopts a
username and the number disappears from deliveries. The number is kept beside it as an alias, both ways:
a delivery that still comes with the number only (older webhook versions) joins the same conversation,
and a message Meta will not address to a BSUID (error 131062) can go to the number instead. A citizen
seen only with a number before BSUIDs existed keeps the number as their user id.

Keys: common/keys.py (`whatsapp_phone`, `whatsapp_user_of_phone`).
"""

from __future__ import annotations

import re

import redis.asyncio as aioredis

from common import keys

# Two-letter country code, optionally ENT (a parent BSUID), then up to 128 alphanumerics.
_BSUID = re.compile(r"[A-Z]{2}\.(?:ENT\.)?[A-Za-z0-9]{1,128}")
ALIAS_SECONDS = 90 * 24 * 3600  # as long as Rasa keeps an idle conversation


def is_bsuid(user_id: str) -> bool:
    return bool(_BSUID.fullmatch(user_id))


def _text(value: bytes | str | None) -> str | None:
    return value.decode() if isinstance(value, bytes) else value


class WhatsAppIdentities:
    def __init__(self, redis: aioredis.Redis) -> None:
        self._redis = redis

    async def resolve(self, bsuid: str | None, phone: str | None) -> str | None:
        """The user id of a delivery's sender: the BSUID (its number, if any, kept as its alias), else
        the BSUID known for the number, else the number; None when the delivery names nobody."""
        if bsuid:
            if phone:
                async with self._redis.pipeline(transaction=True) as pipe:
                    pipe.set(keys.whatsapp_phone(bsuid), phone, ex=ALIAS_SECONDS)
                    pipe.set(keys.whatsapp_user_of_phone(phone), bsuid, ex=ALIAS_SECONDS)
                    await pipe.execute()
            return bsuid
        if phone:
            return _text(await self._redis.get(keys.whatsapp_user_of_phone(phone))) or phone
        return None

    async def phone_of(self, user_id: str) -> str | None:
        """The number to write to when a BSUID is refused; the user id itself when it is a number."""
        if not is_bsuid(user_id):
            return user_id
        return _text(await self._redis.get(keys.whatsapp_phone(user_id)))
