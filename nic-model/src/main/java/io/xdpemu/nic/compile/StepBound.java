package io.xdpemu.nic.compile;

import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.firmware.ParseState;

/**
 * Whether a parse graph can ever run more states than its step limit ({@code max_depth * 4}, the
 * reference's TOO_DEEP test at each state). A graph whose only cycles are states looping on
 * themselves runs each such state at most {@code max_repeat + 1} times in a row (the visit after
 * the last allowed repeat fails), so its longest run is a longest path; when that is within the
 * limit the test can never fire and the generated code need not count steps (one value fewer live
 * across the whole graph, one increment and compare fewer per state). Any other cycle: unbounded.
 */
final class StepBound {
  private StepBound() {}

  /** True when no frame can make the parse exceed the step limit. */
  static boolean withinLimit(Firmware fw) {
    long longest =
        longestFrom(fw, fw.start(), new long[fw.states().size()], new byte[fw.states().size()]);
    return longest >= 0 && longest <= (long) fw.maxDepth() * 4;
  }

  private static final byte VISITING = 1;
  private static final byte DONE = 2;

  /** Most state visits from {@code s} on; -1 on a cycle of two or more states. */
  private static long longestFrom(Firmware fw, int s, long[] memo, byte[] mark) {
    if (s < 0) {
      return 0; // accept or reject: no further state
    }
    if (mark[s] == DONE) {
      return memo[s];
    }
    if (mark[s] == VISITING) {
      return -1;
    }
    mark[s] = VISITING;
    ParseState st = fw.states().get(s);
    boolean self = st.defaultNext() == s;
    long next = 0;
    int[] targets = new int[st.transitions().length + 1];
    for (int i = 0; i < st.transitions().length; i++) {
      targets[i] = st.transitions()[i].next();
    }
    targets[targets.length - 1] = st.defaultNext();
    for (int t : targets) {
      if (t == s) {
        self = true;
        continue;
      }
      long l = longestFrom(fw, t, memo, mark);
      if (l < 0) {
        return -1;
      }
      next = Math.max(next, l);
    }
    long visits = self ? (long) st.maxRepeat() + 1 : 1;
    memo[s] = visits + next;
    mark[s] = DONE;
    return memo[s];
  }
}
