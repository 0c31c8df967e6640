#!/usr/bin/env python3
"""The luma.oled reference for `cargo xtask bench`.

luma.oled (luma.core + Pillow) is what most Raspberry Pi SSD1306 projects draw with. This script
draws the dashboard that tests/scenes/dashboard.toml describes for tinydisplay -- a clock, three
gauges following slow sines, a scrolling marquee, a sparkline and a bouncing ball on a 128x64
panel -- so that both sides of the comparison do the same work.

    dashboard.py time [FRAMES]          render FRAMES frames (default 600) on luma.core's dummy
                                        128x64 1-bit device; prints the time per frame
    dashboard.py bus [FRAMES]           count what luma.oled's ssd1306 driver sends per frame
                                        (default 300 frames)
    dashboard.py realtime [SECONDS] [--fps N]
                                        play in real time through luma.core's framerate_regulator
                                        (default 10 s at 60 fps); prints the CPU time used

Each prints one line of `key=value` pairs that xtask reads (see xtask/src/bench.rs).
Needs `pip install luma.oled`; xtask installs it into ~/.cache/tinydisplay/luma-venv.
"""

import argparse
import math
import os
import sys
import time

WIDTH, HEIGHT = 128, 64
MARQUEE = "tinydisplay deterministic multi-core rendering  "


def draw(d, tick, font):
    """One frame of the dashboard at `tick` (60 ticks per second) onto a PIL ImageDraw."""
    secs = tick // 60
    clock = "%02d:%02d:%02d" % (secs // 3600, secs // 60 % 60, secs % 60)
    d.text((0, 0), clock, fill="white", font=font)

    # Gauges: a 61x6 outline each, filled to a level that rises and falls with a sine.
    for i in range(3):
        top = 14 + 8 * i
        level = (math.sin(0.05 * tick + i) + 1) / 2
        d.rectangle((0, top, 60, top + 5), outline="white")
        d.rectangle((1, top + 1, 1 + int(58 * level), top + 4), fill="white")

    # The marquee enters at the right edge and wraps after 400 pixels.
    d.text((WIDTH - tick % 400, 40), MARQUEE, fill="white", font=font)

    # Sparkline: 63 segments of a moving sine in the right half.
    def spark(x):
        return 30 + int(8 * math.sin(0.2 * (x + tick)))

    for x in range(64, 127):
        d.line((x, spark(x), x + 1, spark(x + 1)), fill="white")

    # The ball bounces between x = 4 and x = 120 and hops along the bottom.
    bx = 4 + abs(2 * tick % 232 - 116)
    by = 52 + int(6 * abs(math.sin(0.1 * tick)))
    d.ellipse((bx - 3, by - 3, bx + 3, by + 3), fill="white")


def font():
    from PIL import ImageFont

    return ImageFont.load_default()


def dummy_device():
    from luma.core.device import dummy

    return dummy(width=WIDTH, height=HEIGHT, mode="1")


def cmd_time(frames):
    from luma.core.render import canvas

    dev, f = dummy_device(), font()
    start = time.perf_counter()
    for tick in range(frames):
        with canvas(dev) as d:
            draw(d, tick, f)
    elapsed = time.perf_counter() - start
    print(
        "mode=time frames=%d seconds=%.3f ms_per_frame=%.4f fps=%.0f"
        % (frames, elapsed, 1e3 * elapsed / frames, frames / elapsed)
    )


class CountingBus:
    """A luma serial interface that only counts the bytes it is handed."""

    def __init__(self):
        self.command_bytes = 0
        self.data_bytes = 0

    def command(self, *cmd):
        self.command_bytes += len(cmd)

    def data(self, data):
        self.data_bytes += len(data)

    def cleanup(self):
        pass


def cmd_bus(frames):
    from luma.core.render import canvas
    from luma.oled.device import ssd1306

    bus = CountingBus()
    dev = ssd1306(serial_interface=bus, width=WIDTH, height=HEIGHT)
    # Leave out the power-on sequence: only the frames count.
    bus.command_bytes = bus.data_bytes = 0
    f = font()
    for tick in range(frames):
        with canvas(dev) as d:
            draw(d, tick, f)
    print(
        "mode=bus frames=%d command_bytes_per_frame=%.1f data_bytes_per_frame=%.1f"
        % (frames, bus.command_bytes / frames, bus.data_bytes / frames)
    )


def cmd_realtime(seconds, fps):
    from luma.core.render import canvas
    from luma.core.sprite_system import framerate_regulator

    dev, f = dummy_device(), font()
    regulator = framerate_regulator(fps=fps)
    cpu0 = os.times()
    start = time.perf_counter()
    tick = 0
    while time.perf_counter() - start < seconds:
        with regulator:
            with canvas(dev) as d:
                draw(d, tick, f)
        tick += 1
    wall = time.perf_counter() - start
    cpu1 = os.times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    print(
        "mode=realtime frames=%d seconds=%.2f fps=%.1f cpu_seconds=%.2f cpu_pct=%.1f"
        % (tick, wall, tick / wall, cpu, 100 * cpu / wall)
    )


def positive_int(text):
    n = int(text)
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def positive_float(text):
    v = float(text)
    if not v > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return v


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="mode", required=True)
    t = sub.add_parser("time", help="time per frame on the dummy device")
    t.add_argument("frames", nargs="?", type=positive_int, default=600)
    b = sub.add_parser("bus", help="bytes the ssd1306 driver sends per frame")
    b.add_argument("frames", nargs="?", type=positive_int, default=300)
    r = sub.add_parser("realtime", help="CPU time of real-time play")
    r.add_argument("seconds", nargs="?", type=positive_float, default=10.0)
    r.add_argument("--fps", type=positive_int, default=60)
    a = p.parse_args(argv)
    if a.mode == "time":
        cmd_time(a.frames)
    elif a.mode == "bus":
        cmd_bus(a.frames)
    else:
        cmd_realtime(a.seconds, a.fps)


if __name__ == "__main__":
    main(sys.argv[1:])
