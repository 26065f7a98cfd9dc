"""The console chat: talk to the assistant in a terminal, through the gateway like any channel.

    python -m bot.local.console_chat [--gateway http://127.0.0.1:8080] [--user warga]

The gateway serves the console only with CONSOLE_CHANNEL=1 and a CONSOLE_TOKEN, which this chat sends
(from the environment, as the local stack sets it).

Buttons are shown numbered; type the number or answer in your own words. Special inputs:
  /lokasi <lat> <lon>   share a location pin, e.g. /lokasi -6.2 106.8
  /lampiran <file>      send a photo or document as evidence
  /keluar               leave (Ctrl-D works too)
Notifications (a report's status changed, an agency asks something) appear as they come.
"""

from __future__ import annotations

import argparse
import os
import shlex
import threading
import uuid
from pathlib import Path

import requests

PROMPT = "Anda: "
INBOX_POLL_SECONDS = 2.0
NOT_AUTHORIZED = "(gateway menolak: CONSOLE_TOKEN tidak ada atau salah)"


class ConsoleChat:
    def __init__(self, gateway_url: str, user_id: str, token: str) -> None:
        self.gateway_url = gateway_url.rstrip("/")
        self.user_id = user_id
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        self.buttons: list[dict] = []
        self._print_lock = threading.Lock()

    def send(self, text: str = "", **shared: object) -> list[dict]:
        """Sends typed text or a button's payload, or a `location` or an uploaded `attachment` ref."""
        body = {"user_id": self.user_id, "text": text, "message_id": uuid.uuid4().hex, **shared}
        answer = self.http.post(f"{self.gateway_url}/console/messages", json=body, timeout=120)
        if answer.status_code == 401:
            return [{"text": NOT_AUTHORIZED}]
        # The gateway answers 503 with a message to show when the assistant is unavailable.
        return answer.json()["messages"]

    def upload(self, path: Path) -> tuple[dict | None, list[dict]]:
        """The stored attachment, or None and the gateway's reason."""
        with path.open("rb") as file:
            answer = self.http.post(
                f"{self.gateway_url}/console/media",
                params={"user_id": self.user_id},
                files={"file": (path.name, file)},
                timeout=120,
            )
        if answer.status_code == 401:
            return None, [{"text": NOT_AUTHORIZED}]
        data = answer.json()
        return data.get("attachment"), data.get("messages", [])

    def render(self, messages: list[dict], prefix: str = "Asisten") -> None:
        with self._print_lock:
            for message in messages:
                if message.get("text"):
                    print(f"{prefix}: {message['text']}")
                if message.get("buttons"):
                    self.buttons = message["buttons"]
                    for number, button in enumerate(self.buttons, start=1):
                        print(f"   [{number}] {button['title']}")

    def answer(self, line: str) -> list[dict]:
        """What the typed line means: a numbered button, a pin, a file, or plain text."""
        if line.isdigit() and 1 <= int(line) <= len(self.buttons):
            return self.send(self.buttons[int(line) - 1]["payload"])
        command, _, rest = line.partition(" ")
        if command == "/lokasi":
            try:
                lat, lon = (float(x) for x in rest.split())
            except ValueError:
                return [{"text": "(format: /lokasi -6.2 106.8)"}]
            return self.send(location={"lat": lat, "lon": lon})
        if command == "/lampiran":
            path = Path(" ".join(shlex.split(rest))).expanduser()
            if not path.is_file():
                return [{"text": f"(berkas tidak ditemukan: {path})"}]
            attachment, refusal = self.upload(path)
            return self.send(attachment=attachment["ref"]) if attachment else refusal
        return self.send(line)

    def watch_inbox(self, stop: threading.Event) -> None:
        while not stop.wait(INBOX_POLL_SECONDS):
            try:
                waiting = self.http.get(
                    f"{self.gateway_url}/console/inbox", params={"user_id": self.user_id}, timeout=10
                ).json()["messages"]
            except (requests.RequestException, ValueError):
                continue
            if waiting:
                print()
                self.render(waiting, prefix="🔔 Asisten")
                print(PROMPT, end="", flush=True)

    def run(self) -> None:
        print("Ketik pesan Anda, misalnya: saya mau lapor jalan rusak. /keluar untuk selesai.\n")
        stop = threading.Event()
        threading.Thread(target=self.watch_inbox, args=(stop,), daemon=True).start()
        try:
            while True:
                try:
                    line = input(PROMPT).strip()
                except EOFError:
                    print()
                    return
                if line in ("/keluar", "/exit"):
                    return
                if line:
                    self.render(self.answer(line))
        finally:
            stop.set()


def chat(gateway_url: str, user_id: str = "warga", token: str | None = None) -> None:
    ConsoleChat(gateway_url, user_id, token or os.environ.get("CONSOLE_TOKEN", "")).run()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8080')}")
    parser.add_argument("--user", default="warga")
    args = parser.parse_args()
    try:
        chat(args.gateway, args.user)
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    main()
