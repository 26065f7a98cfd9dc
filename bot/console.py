"""The console chat: talk to the assistant in a terminal, through the gateway like any channel.

    python -m bot.console [--gateway http://127.0.0.1:8080] [--user warga]

Buttons are shown numbered; type the number or answer in your own words. Special inputs:
  /lokasi <lat> <lon>   share a location pin
  /keluar               leave (Ctrl-D works too)
"""
from __future__ import annotations

import argparse
import json
import os
import urllib.error
import urllib.request
import uuid

PROMPT = "Anda: "


def send(gateway_url: str, user_id: str, text: str, metadata: dict | None = None) -> list[dict]:
    body = json.dumps({
        "user_id": user_id, "text": text, "message_id": uuid.uuid4().hex, "metadata": metadata or {},
    }).encode()
    request = urllib.request.Request(
        f"{gateway_url}/console/messages", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return json.load(resp)["messages"]
    except urllib.error.HTTPError as exc:  # the gateway still answers with a message to show
        return json.load(exc)["messages"]


def render(messages: list[dict]) -> list[dict]:
    """Prints the bot's messages; returns the buttons of the last one, for numbered choice."""
    buttons: list[dict] = []
    for message in messages:
        if message.get("text"):
            print(f"Asisten: {message['text']}")
        buttons = message.get("buttons") or []
        for number, button in enumerate(buttons, start=1):
            print(f"   [{number}] {button['title']}")
    return buttons


def to_message(line: str, buttons: list[dict]) -> tuple[str, dict]:
    """What the typed line means: a numbered button, a location pin, or plain text."""
    if line.isdigit() and 1 <= int(line) <= len(buttons):
        return buttons[int(line) - 1]["payload"], {}
    if line.startswith("/lokasi"):
        try:
            _, lat, lon = line.split()
            return "/share_location", {"location": {"lat": float(lat), "lon": float(lon)}}
        except ValueError:
            print("   (format: /lokasi -6.2 106.8)")
            return "", {}
    return line, {}


def chat(gateway_url: str, user_id: str = "warga") -> None:
    print("Ketik pesan Anda, misalnya: saya mau lapor jalan rusak. /keluar untuk selesai.\n")
    buttons: list[dict] = []
    while True:
        try:
            line = input(PROMPT).strip()
        except EOFError:
            print()
            return
        if line in ("/keluar", "/exit"):
            return
        text, metadata = to_message(line, buttons)
        if text:
            buttons = render(send(gateway_url, user_id, text, metadata))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gateway", default=f"http://127.0.0.1:{os.environ.get('GATEWAY_PORT', '8080')}")
    parser.add_argument("--user", default="warga")
    args = parser.parse_args()
    try:
        chat(args.gateway, args.user)
    except KeyboardInterrupt:
        print()


if __name__ == "__main__":
    main()
