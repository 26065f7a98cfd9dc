"""The run command's launcher: a clear message for a busy port, no orphans after Ctrl-C, free ports after."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import psutil
import pytest

from bot.local.stack import ROOT, Ports, Service, Stack, StackError, free_port, port_in_use


def test_a_busy_port_is_named_and_nothing_is_started(tmp_path):
    model = tmp_path / "model.tar.gz"
    model.write_bytes(b"")
    ports = Ports.free()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", ports.rasa))
        busy.listen()
        stack = Stack(ports, tmp_path / "run", model=model, start_notifier=False)
        with pytest.raises(StackError, match=rf"rasa \(port {ports.rasa}\).*RASA_PORT"):
            stack.start(say=lambda line: None)
    assert stack.services == []


def test_a_missing_model_says_how_to_make_one(tmp_path):
    stack = Stack(Ports.free(), tmp_path, model=tmp_path / "none.tar.gz")
    with pytest.raises(StackError, match="make setup"):
        stack.start()


def test_our_rasa_runs_fixed_and_tuned_while_stock_rasa_keeps_its_own_code_and_settings(
    tmp_path, monkeypatch
):
    for variable in ("SANIC_WORKERS", "TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS"):
        monkeypatch.delenv(variable, raising=False)

    def rasa(stack: Stack) -> tuple[list[str], dict[str, str]]:
        command = next(service.command for service in stack.plan() if service.name == "rasa")
        return command[1:3], {
            k: stack.env[k] for k in ("TF_INTRA_OP_PARALLELISM_THREADS", "TF_INTER_OP_PARALLELISM_THREADS")
        }

    ours = Stack(Ports.free(), tmp_path)
    assert rasa(ours) == (
        ["-m", "bot.rasa_server"],
        {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"},
    )
    assert int(ours.env["SANIC_WORKERS"]) == min(os.cpu_count(), 4)
    stock = Stack(Ports.free(), tmp_path, stock_rasa=True)
    assert rasa(stock) == (
        ["-m", "rasa"],
        {"TF_INTRA_OP_PARALLELISM_THREADS": "", "TF_INTER_OP_PARALLELISM_THREADS": ""},
    )
    assert stock.env["SANIC_WORKERS"] == "1"


# A server whose helper holds its listening socket a moment longer than the server itself lives
# (as a worker process still dying does): the helper leaves the process group, so no signal of the
# stack's reaches it, and closes the socket one second after its parent has gone.
LINGERING_SERVER = """
import os, signal, socket, sys, time
server = socket.socket()
server.bind(("127.0.0.1", int(sys.argv[1])))
server.listen()
parent = os.getpid()
if os.fork() == 0:
    os.setpgid(0, 0)
    while os.getppid() == parent:
        time.sleep(0.05)
    time.sleep(1)
    os._exit(0)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
while True:
    server.accept()[0].close()
"""


@pytest.mark.parametrize("how", ["stop", "kill"])
def test_a_stopped_or_killed_service_has_let_go_of_its_port(tmp_path, how):
    stack = Stack(Ports.free(), tmp_path, start_notifier=False)
    port = free_port()
    service = Service("lingering", [sys.executable, "-c", LINGERING_SERVER, str(port)], port)
    stack.logs_dir.mkdir(parents=True)
    stack._launch(service)
    stack._wait_ready(service)
    if how == "stop":
        stack.stop()
    else:
        stack.kill("lingering")
    assert not port_in_use(port)


@pytest.mark.stack
def test_headless_run_stops_every_child_on_ctrl_c(tmp_path):
    ports = Ports.free()
    env = {
        **os.environ,
        "REDIS_URL": f"redis://127.0.0.1:{ports.redis}/0",
        "LAPOR_SANDBOX_PORT": str(ports.sandbox),
        "ACTION_SERVER_PORT": str(ports.actions),
        "RASA_PORT": str(ports.rasa),
        "GATEWAY_PORT": str(ports.gateway),
    }
    launcher = subprocess.Popen(
        [sys.executable, "-m", "bot.local.stack", "--run-dir", str(tmp_path)],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        # As a shell starts a background job (`make run &`): SIGINT ignored, yet Ctrl-C must still stop it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    output = []
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            line = launcher.stdout.readline()
            if not line:
                break
            output.append(line)
            if line.startswith("Running headless"):
                break
        assert output and output[-1].startswith("Running headless"), "".join(output)
        children = psutil.Process(launcher.pid).children(recursive=True)
        assert len(children) >= 5
        launcher.send_signal(signal.SIGINT)
        launcher.wait(timeout=60)
    finally:
        if (
            launcher.poll() is None
        ):  # the test failed: take the services down too, they are in their own sessions
            for child in psutil.Process(launcher.pid).children(recursive=True):
                child.kill()
            launcher.kill()
    assert launcher.returncode == 0
    time.sleep(0.5)
    assert [c.pid for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE] == []
    assert "Stopped." in launcher.stdout.read()
