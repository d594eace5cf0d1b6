"""Run the sample press room standalone: ``python -m pressarchive.sampleroom [--port 8001]``."""

from __future__ import annotations

import argparse
import threading

from pressarchive.sampleroom.server import SamplePressRoom


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m pressarchive.sampleroom",
        description="Serve the fictional sample press room on 127.0.0.1.",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (0: any free port)")
    parser.add_argument("--revision", type=int, default=1, help="site revision to serve (1 or 2)")
    parser.add_argument("--profile", action="store_true", help="also print the source profile")
    args = parser.parse_args(argv)

    room = SamplePressRoom(port=args.port, revision=args.revision)
    base_url = room.start()
    print(base_url, flush=True)
    if args.profile:
        print(room.profile_toml(), end="", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        room.stop()


if __name__ == "__main__":
    main()
