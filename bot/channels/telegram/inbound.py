"""The Telegram channel, on python-telegram-bot's `Application`: updates in, relayed to the gateway's
conversations.

Updates arrive by long polling (development) or by a webhook on the gateway (production, when
TELEGRAM_WEBHOOK_URL is set; Telegram's secret-token header is checked, and an update is acknowledged
once it is handled, so that one cut by a crash is redelivered). Updates of different
chats run concurrently, one chat's updates one after another (`PerChatOrder`); duplicates are
dropped by `bot.gateway.conversations`. Photos, documents, videos, voice notes and audio are downloaded into
the media store on receipt, their caption carried as `metadata.caption`. Rasa's buttons become inline
keyboards; a chosen keyboard is closed and shows the choice.

Every kind of update is handled on purpose: an *edited* text is relayed as the citizen's new message (the
corrected text is what they mean now), other edits (live locations, captions) are ignored; service messages
(pins, permissions) are ignored; other kinds (stickers, contacts, polls...) are answered kindly; group chats
are not served. A webhook update the library cannot parse is answered 200 (Telegram would retry it forever)
and logged, a polled one skipped (`ReadingBot`); if it is a private chat's message, the citizen gets the
kind "cannot process this" answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import html
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

import redis.asyncio as aioredis
from aiohttp import web
from telegram import BotCommand, Message, Update
from telegram.constants import ChatAction, FileSizeLimit, ParseMode
from telegram.error import BadRequest, TelegramError
from telegram.ext import (
    Application,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.channels.base import UserUnreachable
from bot.channels.settings import TelegramSettings
from bot.channels.telegram.outbound import TelegramOutbound
from bot.gateway.conversations import Conversations, Incoming, KeyedLock, typed_text
from common.background import running
from common.identity import pseudonym
from common.media import MediaRefused, MediaStore, StoredMedia
from common.messages import BotMessage

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ALLOWED_UPDATES = ("message", "edited_message", "callback_query")
# Our commands and the message each one sends to Rasa (docs/contracts.md, "Intents").
COMMANDS = {"start": "/greet", "help": "/help", "batal": "/cancel"}
MENU = (BotCommand("help", "Cara menggunakan asisten"), BotCommand("batal", "Batalkan yang sedang diisi"))
TYPING_EVERY_SECONDS = 4.5  # Telegram shows "typing…" for 5 s

TOO_LARGE_FOR_TELEGRAM = (
    "Maaf, berkas ini lebih dari 20 MB. Bot Telegram hanya dapat mengunduh berkas hingga 20 MB, "
    "jadi mohon kirim versi yang lebih kecil (misalnya video yang lebih pendek)."
)
UNSUPPORTED = (
    "Maaf, jenis pesan ini belum bisa kami proses. Silakan kirim teks, lokasi, foto, video, pesan suara, "
    "atau dokumen."
)
EVIDENCE = (
    filters.PHOTO | filters.VIDEO | filters.VIDEO_NOTE | filters.VOICE | filters.AUDIO | filters.Document.ALL
)
CHOICE_EXPIRED = "Pilihan ini sudah tidak berlaku. Silakan ketik jawaban Anda."


class PerChatOrder(BaseUpdateProcessor):
    """Different chats concurrently, one chat's updates strictly in arrival order.

    PTB starts one task per update in arrival order; each takes its chat's lock before its first
    suspension point, so the locks are granted in arrival order too.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._chats = KeyedLock()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        async with self._chats.hold(str(chat.id)):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""


class ReadingBot(ExtBot):
    """Reads each polled update on its own. python-telegram-bot fails a whole `getUpdates` batch on one
    update it cannot read (a field of a newer Bot API), logging its raw text, and polling then asks for
    the same batch again, for ever: every chat would go silent. Such an update is replaced by an empty
    one (polling goes on past it) and handed to `unreadable`."""

    def __init__(self, *args: Any, unreadable: Callable[[Any], Awaitable[None]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._unreadable = unreadable

    async def _post(self, endpoint: str, data: Any = None, **kwargs: Any) -> Any:
        result = await super()._post(endpoint, data, **kwargs)
        if endpoint != "getUpdates" or not isinstance(result, list):
            return result
        readable = []
        for raw in result:
            try:
                Update.de_json(raw, self)
                readable.append(raw)
            except Exception as exc:
                log.warning("Telegram update not understood, skipped: %s", type(exc).__name__)
                await self._unreadable(raw)
                readable.append({"update_id": raw["update_id"]})
        return readable


class TelegramChannel:
    def __init__(
        self,
        settings: TelegramSettings,
        conversations: Conversations,
        store: MediaStore,
        redis: aioredis.Redis,
    ) -> None:
        self._settings = settings
        self._conversations = conversations
        self._store = store
        bot = ReadingBot(
            settings.token,
            base_url=settings.bot_api_url,
            base_file_url=settings.file_api_url,
            unreadable=self._answer_unreadable,
        )
        builder = Application.builder().bot(bot).concurrent_updates(PerChatOrder())
        if settings.webhook_url:
            builder = builder.updater(None)
        self.application = builder.build()
        self.sender = TelegramOutbound(self.application.bot, redis)
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        edited = filters.ChatType.PRIVATE & filters.UpdateType.EDITED_MESSAGE
        self.application.add_handlers(
            [
                CommandHandler(list(COMMANDS), self._on_command, filters=private),
                MessageHandler(private & filters.TEXT, self._on_text),
                MessageHandler(edited & filters.TEXT & ~filters.COMMAND, self._on_text),
                MessageHandler(private & filters.LOCATION, self._on_location),
                MessageHandler(private & EVIDENCE, self._on_media),
                CallbackQueryHandler(self._on_button),
                MessageHandler(private & ~filters.StatusUpdate.ALL, self._on_other),
            ]
        )
        self.application.add_error_handler(self._on_error)

    async def start(self) -> None:
        app = self.application
        await app.initialize()  # getMe: fails early on a wrong token
        await app.bot.set_my_commands(MENU)
        if self._settings.webhook_url:
            await app.bot.set_webhook(
                self._settings.webhook_url,
                secret_token=self._settings.webhook_secret,
                allowed_updates=ALLOWED_UPDATES,
            )
        else:
            await app.updater.start_polling(allowed_updates=ALLOWED_UPDATES)
        await app.start()
        log.info("Telegram channel started (%s)", "webhook" if self._settings.webhook_url else "long polling")

    async def stop(self) -> None:
        app = self.application
        if app.updater is not None and app.updater.running:
            await app.updater.stop()
        await app.stop()  # lets updates in progress finish
        await app.shutdown()

    async def webhook(self, request: web.Request) -> web.Response:
        """Telegram's delivery of one update; the secret header proves it comes from Telegram."""
        if not hmac.compare_digest(request.headers.get(SECRET_HEADER, ""), self._settings.webhook_secret):
            raise web.HTTPForbidden()
        # Anything unreadable is taken (200) and dropped: a 400 would only make Telegram retry it.
        try:
            raw = await request.json()
        except ValueError:
            log.warning("Telegram update not JSON, dropped")
            return web.Response()
        try:
            update = Update.de_json(raw, self.application.bot)
        except Exception as exc:  # PTB cannot read it, e.g. a field of a newer Bot API
            log.warning("Telegram update not understood, dropped: %s", type(exc).__name__)
            await self._answer_unreadable(raw)
            return web.Response()
        if update is None:
            log.warning("Telegram update empty, dropped")
            return web.Response()
        # Answered once handled, not on receipt: an update cut by a crash of this gateway is
        # redelivered by Telegram (through HAProxy, to another gateway), and the conversations'
        # dedupe answers it once — neither lost nor answered twice.
        app = self.application
        await app.update_processor.process_update(update, app.process_update(update))
        return web.Response()

    async def _answer_unreadable(self, raw: Any) -> None:
        """A citizen's private message that the library cannot read (a field of a newer Bot API) is
        answered kindly rather than with silence; anything else unreadable stays dropped."""
        message = raw.get("message") if isinstance(raw, dict) else None
        chat = message.get("chat") if isinstance(message, dict) else None
        if not isinstance(chat, dict) or chat.get("type") != "private" or not isinstance(chat.get("id"), int):
            return
        with contextlib.suppress(UserUnreachable, TelegramError):
            await self.sender.send(chat["id"], [BotMessage(text=UNSUPPORTED)])

    # --- handlers: each turns an update into an Incoming for the one relay path ---

    async def _on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        command = update.effective_message.text.split()[0][1:].split("@")[0].lower()
        await self._relay(self._incoming(update, COMMANDS[command]))

    async def _on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._relay(self._incoming(update, typed_text(update.effective_message.text)))

    async def _on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        where = update.effective_message.location
        location = {"lat": where.latitude, "lon": where.longitude}
        await self._relay(self._incoming(update, "/share_location", metadata={"location": location}))

    async def _on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._relay(self._incoming(update, "/share_evidence"), evidence=update.effective_message)

    async def _on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await self._relay(self._incoming(update, ""), refusal=UNSUPPORTED)

    async def _on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        with contextlib.suppress(TelegramError):
            await query.answer()
        message = query.message
        if not isinstance(message, Message) or message.chat.type != "private":
            return
        payload = await self.sender.payload_of(query.data or "")
        # One choice per keyboard: a second tap on the same keyboard is a duplicate.
        choice_id = f"{self.application.bot.id}:choice:{message.chat_id}:{message.message_id}"
        incoming = self._incoming(update, payload or "", message_id=choice_id)
        if await self._conversations.seen(incoming):
            return
        await self._close_keyboard(message, query.data)
        await self._relay(incoming, refusal=None if payload is not None else CHOICE_EXPIRED)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        who = pseudonym(f"telegram:{chat.id}") if chat else "-"
        log.error("Telegram update for %s failed: %r", who, context.error, exc_info=context.error)

    # --- the one path to Rasa and back ---

    def _incoming(
        self,
        update: Update,
        text: str,
        *,
        metadata: dict[str, Any] | None = None,
        message_id: str | None = None,
    ) -> Incoming:
        """The update as the gateway → Rasa contract wants it; the update id (per bot) dedupes."""
        message_id = message_id or f"{self.application.bot.id}:{update.update_id}"
        return Incoming("telegram", str(update.effective_chat.id), text, message_id, metadata or {})

    async def _relay(
        self, incoming: Incoming, *, evidence: Message | None = None, refusal: str | None = None
    ) -> None:
        if await self._conversations.seen(incoming):
            log.info("duplicate delivery dropped channel=telegram user=%s", pseudonym(incoming.sender))
            return
        chat_id = int(incoming.user_id)
        async with self._typing(chat_id):
            if evidence is not None:
                try:
                    stored = await self._download(evidence)
                    metadata = {"attachments": [stored.to_json()]}
                    if evidence.caption and evidence.caption.strip():
                        metadata["caption"] = evidence.caption.strip()
                    incoming = replace(incoming, metadata=metadata)
                except MediaRefused as refused:
                    refusal = refused.reason
            replies = await self._conversations.respond(incoming, refusal)
        if replies:
            try:
                await self.sender.send(chat_id, replies)
            except UserUnreachable:
                log.info("Telegram user %s blocked the bot; reply dropped", pseudonym(incoming.sender))

    async def _download(self, message: Message) -> StoredMedia:
        if message.photo:
            media, filename = message.photo[-1], "foto.jpg"  # the largest size
        elif message.video:
            media, filename = message.video, message.video.file_name or "video.mp4"
        elif message.video_note:
            media, filename = message.video_note, "video.mp4"
        elif message.voice:
            media, filename = message.voice, "pesan-suara.ogg"
        elif message.audio:
            media, filename = message.audio, message.audio.file_name or "audio.mp3"
        else:
            media, filename = message.document, message.document.file_name
        if media.file_size and media.file_size > FileSizeLimit.FILESIZE_DOWNLOAD:
            raise MediaRefused(TOO_LARGE_FOR_TELEGRAM)
        self._store.check_size(media.file_size)
        try:
            file = await media.get_file()
        except BadRequest as exc:
            if "too big" in exc.message.lower():
                raise MediaRefused(TOO_LARGE_FOR_TELEGRAM) from exc
            raise
        data = await file.download_as_bytearray()
        return await self._store.save(bytes(data), filename)

    async def _close_keyboard(self, message: Message, data: str | None) -> None:
        """Removes the keyboard so it cannot be used again, and shows which choice was made."""
        markup = message.reply_markup.inline_keyboard if message.reply_markup else ()
        title = next((b.text for row in markup for b in row if b.callback_data == data), None)
        try:
            if message.text and title:
                await message.edit_text(
                    f"{message.text_html}\n\n✅ <i>{html.escape(title, quote=False)}</i>",
                    parse_mode=ParseMode.HTML,
                    reply_markup=None,
                )
            else:
                await message.edit_reply_markup(reply_markup=None)
        except TelegramError as exc:  # already closed (a second tap), too old, or too long to extend
            log.debug("keyboard not closed: %s", exc)

    @contextlib.asynccontextmanager
    async def _typing(self, chat_id: int) -> AsyncIterator[None]:
        """Shows "typing…" until the answer is ready."""

        async def keep_typing() -> None:
            while True:
                with contextlib.suppress(TelegramError):
                    await self.application.bot.send_chat_action(chat_id, ChatAction.TYPING)
                await asyncio.sleep(TYPING_EVERY_SECONDS)

        async with running(keep_typing()):
            yield
