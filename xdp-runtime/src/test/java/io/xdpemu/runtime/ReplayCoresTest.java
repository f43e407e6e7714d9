package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Which captures a run replays on lanes: those that fit {@link ReplayRun#LANES_MAX_CAPTURE_BYTES}.
 */
class ReplayCoresTest {
  @Test
  void capturesBeyondTheLimitReplayOnOneThread() {
    long limit = ReplayRun.LANES_MAX_CAPTURE_BYTES;
    assertEquals(2, ReplayRun.replayCores(limit, 2));
    assertEquals(2, ReplayRun.replayCores(0, 2));
    assertEquals(1, ReplayRun.replayCores(limit + 1, 2));
    assertEquals(1, ReplayRun.replayCores(limit + 1, 8));
    assertEquals(1, Replay.lanes(4, false, ReplayRun.replayCores(limit + 1, 2)));
    assertEquals(2, Replay.lanes(4, false, ReplayRun.replayCores(limit, 2)));
  }
}
