"""Behaves like a trainer using sleap-nn's ProgressReporterZMQ and TrainingControllerZMQ.

Connects a PUB socket to --publish-address and sends, like ProgressReporterZMQ.send,
dict(what=..., event=..., logs=..., **kwargs) through jsonpickle.encode: train_begin,
then per epoch epoch_begin, batch_end per batch, epoch_end (NaN and Infinity in the
logs), and train_end. A SUB socket on --control-address stops training on
{"command": "stop"}, as the controller does.

A plain PUB cannot know when the reader has subscribed (ZeroMQ's slow joiner), so
before training it sends {"event": "hello"} every 50 ms until "go" arrives on stdin.

stdout, one JSON object a line: {"ready": true}, {"stop": <message>}, {"done": N}.
"""

import argparse
import json
import select
import sys
import time

import jsonpickle
import zmq


def emit(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--publish-address", required=True)
    parser.add_argument("--control-address", required=True)
    parser.add_argument("--what", default="")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batches", type=int, default=2)
    parser.add_argument("--wait-stop-after-epoch", type=int, default=-1)
    args = parser.parse_args()

    ctx = zmq.Context()
    pub = ctx.socket(zmq.PUB)
    pub.connect(args.publish_address)
    ctrl = ctx.socket(zmq.SUB)
    ctrl.setsockopt_string(zmq.SUBSCRIBE, "")
    ctrl.connect(args.control_address)
    emit({"ready": True})

    def send(event, logs=None, **kwargs):
        msg = dict(what=args.what, event=event, logs=logs, **kwargs)
        pub.send_string(jsonpickle.encode(msg))

    while not select.select([sys.stdin], [], [], 0.05)[0]:
        pub.send_string(jsonpickle.encode(dict(event="hello")))
    sys.stdin.readline()

    stopped = False
    sent = 0
    send("train_begin")
    sent += 1
    for epoch in range(args.epochs):
        send("epoch_begin", epoch=epoch)
        sent += 1
        for batch in range(args.batches):
            loss = float("nan") if batch == 1 else 1.0 / (epoch + batch + 1)
            send("batch_end", epoch=epoch, batch=batch, logs={"train/loss": loss})
            sent += 1
        logs = {"train/loss": 0.5 / (epoch + 1), "val/loss": float("inf") if epoch == 0 else 0.25}
        send("epoch_end", epoch=epoch, logs=logs)
        sent += 1
        if epoch == args.wait_stop_after_epoch:
            if ctrl.poll(20000, zmq.POLLIN):
                msg = jsonpickle.decode(ctrl.recv_string())
                emit({"stop": msg})
                if msg.get("command") == "stop":
                    stopped = True
        if stopped:
            break
    send("train_end")
    sent += 1
    emit({"done": sent})
    time.sleep(0.2)  # let ZeroMQ write the last message before closing
    pub.close(linger=1000)
    ctrl.close(linger=0)
    ctx.term()


if __name__ == "__main__":
    main()
