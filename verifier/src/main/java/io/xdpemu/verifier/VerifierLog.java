package io.xdpemu.verifier;

import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's verifier log buffer ({@code struct bpf_verifier_log}): text with a rewind position
 * (level 1 drops the lines of abandoned paths, as pop_stack() does with bpf_vlog_reset()), and the
 * alignment of the {@code ; R...} state comment after an instruction (vlog_alignment()).
 */
final class VerifierLog {
  final int level;
  private final StringBuilder sb = new StringBuilder();

  /** Lines of the final error, kept even at level 0. */
  final List<String> errorLines = new ArrayList<>();

  int prevLogPos = -1;
  int prevInsnPrintPos;

  VerifierLog(int level) {
    this.level = level;
  }

  boolean enabled() {
    return level >= 1;
  }

  int pos() {
    return sb.length();
  }

  void reset(int pos) {
    if (pos < sb.length()) {
      sb.setLength(pos);
    }
  }

  /** After a rewind into the middle of a line, end it so the next line starts clean. */
  void endLine() {
    if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '\n') {
      sb.append('\n');
    }
    prevLogPos = -1;
  }

  void print(String s) {
    if (level >= 1) {
      sb.append(s);
    }
  }

  /** A line of an error: always kept for the result, logged when logging is on. */
  void error(String line) {
    errorLines.add(line);
    print(line + "\n");
  }

  /** print_insn_state(): append the state to the last instruction line, or start a new line. */
  void insnState(int insnIdx, String state) {
    if (level < 1) {
      return;
    }
    if (prevLogPos >= 0 && prevLogPos == sb.length()) {
      sb.setLength(sb.length() - 1);
      int pad = alignment(prevInsnPrintPos);
      sb.append(" ".repeat(pad)).append(';');
    } else {
      sb.append(insnIdx).append(':');
    }
    sb.append(state).append('\n');
  }

  /** Remember where the instruction line just printed ends (env->prev_log_pos). */
  void markInsnLine(int startPos) {
    prevInsnPrintPos = sb.length() - startPos;
    prevLogPos = sb.length();
  }

  private static int alignment(int pos) {
    int v = Math.max(pos + 4, 40);
    v = (v + 7) / 8 * 8;
    return v - pos - 1;
  }

  @Override
  public String toString() {
    return sb.toString();
  }
}
