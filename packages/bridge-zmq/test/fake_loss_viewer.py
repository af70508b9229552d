"""Behaves like SLEAP's LossViewer towards the network, without Qt.

Binds a SUB socket on the publish port and a PUB socket on the control port (random
free ports unless given), decodes each message with jsonpickle.decode, takes `what`
from train_begin and ignores messages whose `what` differs, and reads the keys the
older LossViewer reads (logs["loss"] on epoch_end, batch and logs["loss"] on
batch_end), so a missing key shows up as an error line.

stdout, one JSON object a line:
  {"ready": true, "publish_port": P, "control_port": C}
  {"received": <message>}   non-finite floats written as {"float": "nan"|"inf"|"-inf"}
  {"ignored": <message>}    `what` differed from the current run's
  {"error": "..."}          a key the old LossViewer reads was missing
stdin, one command a line: "stop" sends {"command": "stop"}; "quit" exits.
"""

import argparse
import json
import math
import sys

import jsonpickle
import zmq


def marked(value):
    if isinstance(value, float) and not math.isfinite(value):
        return {"float": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, dict):
        return {k: marked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [marked(v) for v in value]
    return value


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def bind(socket, port):
    if port == 0:
        return socket.bind_to_random_port("tcp://127.0.0.1")
    socket.bind(f"tcp://127.0.0.1:{port}")
    return port


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--publish-port", type=int, default=0)
    parser.add_argument("--control-port", type=int, default=0)
    parser.add_argument("--connect-publish", default=None, help="connect instead of bind")
    parser.add_argument("--connect-control", default=None, help="connect instead of bind")
    args = parser.parse_args()

    ctx = zmq.Context()
    sub = ctx.socket(zmq.SUB)
    sub.setsockopt_string(zmq.SUBSCRIBE, "")
    ctrl = ctx.socket(zmq.PUB)
    if args.connect_publish:
        sub.connect(args.connect_publish)
        publish_port = None
    else:
        publish_port = bind(sub, args.publish_port)
    if args.connect_control:
        ctrl.connect(args.connect_control)
        control_port = None
    else:
        control_port = bind(ctrl, args.control_port)
    emit({"ready": True, "publish_port": publish_port, "control_port": control_port})

    poller = zmq.Poller()
    poller.register(sub, zmq.POLLIN)
    poller.register(sys.stdin.fileno(), zmq.POLLIN)
    current_what = None
    while True:
        events = dict(poller.poll(1000))
        if sub in events:
            msg = jsonpickle.decode(sub.recv_string())
            if msg["event"] == "train_begin":
                current_what = msg["what"]
            if msg.get("what", "") != current_what:
                emit({"ignored": marked(msg)})
                continue
            try:
                if msg["event"] == "epoch_end":
                    msg["logs"]["loss"]
                elif msg["event"] == "batch_end":
                    msg["batch"], msg["logs"]["loss"]
            except (KeyError, TypeError) as error:
                emit({"error": f"{msg['event']}: missing {error}"})
            emit({"received": marked(msg)})
        if sys.stdin.fileno() in events:
            line = sys.stdin.readline()
            if line == "" or line.strip() == "quit":
                break
            if line.strip() == "stop":
                ctrl.send_string(jsonpickle.encode(dict(command="stop")))
                emit({"sent": "stop"})
    sub.close(linger=0)
    ctrl.close(linger=0)
    ctx.term()


if __name__ == "__main__":
    main()
