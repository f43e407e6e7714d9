package io.xdpemu.ebpf.helpers;

import io.xdpemu.ebpf.maps.Errno;
import io.xdpemu.ebpf.vm.ExecutionContext;

/**
 * bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3) (kernel/trace/bpf_trace.c) with the format
 * rules of bpf_bprintf_prepare() (kernel/bpf/helpers.c): the format must be NUL-terminated within
 * fmt_size and printable; at most 3 conversions; flags {@code 0 - + space}, a width, precision only
 * for {@code %s}; length {@code h hh l ll z}; conversions {@code d i u x X c s %%} and {@code %p}
 * with {@code x K} (hex) or {@code i4 I4 i6 I6} (addresses read from memory). Anything else is
 * -EINVAL. The formatted text (at most 1023 bytes, MAX_BPRINTF_BUF) goes to {@code ctx.trace} as
 * trace_pipe would show it after "bpf_trace_printk: "; the return value is its length.
 */
final class TracePrintk {
  static final int MAX_BPRINTF_BUF = 1024;
  static final int MAX_STR = 1024;

  private TracePrintk() {}

  static long call(ExecutionContext ctx, long fmtPtr, long fmtSize, long a1, long a2, long a3) {
    int size = HelperMemory.size(ctx, fmtSize & 0xffffffffL, "trace_printk fmt_size");
    byte[] fmt = HelperMemory.read(ctx, fmtPtr, size);
    String out;
    try {
      out = format(ctx, fmt, new long[] {a1, a2, a3});
    } catch (java.util.IllegalFormatException e) {
      out = null; // a flag combination Java's formatter refuses (e.g. "%-05d")
    }
    if (out == null) {
      return -Errno.EINVAL;
    }
    if (out.length() > MAX_BPRINTF_BUF - 1) {
      out = out.substring(0, MAX_BPRINTF_BUF - 1);
    }
    ctx.trace.accept(out);
    return out.length();
  }

  /** The formatted text, or null when the kernel would reject the format. */
  static String format(ExecutionContext ctx, byte[] fmt, long[] args) {
    int end = -1;
    for (int i = 0; i < fmt.length; i++) {
      if (fmt[i] == 0) {
        end = i;
        break;
      }
    }
    if (end < 0) {
      return null;
    }
    StringBuilder sb = new StringBuilder();
    int argi = 0;
    for (int i = 0; i < end; i++) {
      char c = (char) (fmt[i] & 0xff);
      if (c > 127 || (c < 32 && !Character.isWhitespace(c))) {
        return null;
      }
      if (c != '%') {
        sb.append(c);
        continue;
      }
      if (i + 1 < end && fmt[i + 1] == '%') {
        sb.append('%');
        i++;
        continue;
      }
      if (argi >= args.length) {
        return null;
      }
      // flags, width, precision
      int j = i + 1;
      StringBuilder spec = new StringBuilder("%");
      while (j < end && "0-+ ".indexOf(fmt[j]) >= 0) {
        spec.append((char) fmt[j++]);
      }
      while (j < end && Character.isDigit(fmt[j])) {
        spec.append((char) fmt[j++]);
      }
      String precision = "";
      if (j < end && fmt[j] == '.') {
        StringBuilder p = new StringBuilder(".");
        j++;
        while (j < end && Character.isDigit(fmt[j])) {
          p.append((char) fmt[j++]);
        }
        precision = p.toString();
      }
      if (j >= end) {
        return null;
      }
      char conv = (char) fmt[j];
      long arg = args[argi++];
      if (conv == 'p') {
        String s = pointer(ctx, fmt, j, end, arg);
        if (s == null) {
          return null;
        }
        sb.append(s);
        j += pointerSuffix(fmt, j, end);
        i = j;
        continue;
      }
      if (conv == 's') {
        String s = string(ctx, arg);
        sb.append(String.format(spec + precision + "s", s));
        i = j;
        continue;
      }
      if (!precision.isEmpty()) {
        return null;
      }
      if (conv == 'c') {
        sb.append(String.format(spec + "c", (char) (arg & 0xff)));
        i = j;
        continue;
      }
      int bits = 32;
      if (conv == 'h') {
        bits = 16;
        j++;
        if (j < end && fmt[j] == 'h') {
          bits = 8;
          j++;
        }
      } else if (conv == 'l' || conv == 'z') {
        bits = 64;
        j++;
        if (conv == 'l' && j < end && fmt[j] == 'l') {
          j++;
        }
      }
      if (j >= end) {
        return null;
      }
      conv = (char) fmt[j];
      String s = integer(spec.toString(), conv, arg, bits);
      if (s == null) {
        return null;
      }
      sb.append(s);
      i = j;
    }
    return sb.toString();
  }

  private static String integer(String spec, char conv, long arg, int bits) {
    long v = bits == 64 ? arg : arg & ((1L << bits) - 1);
    switch (conv) {
      case 'd':
      case 'i':
        long signed = bits == 64 ? v : (v << (64 - bits)) >> (64 - bits);
        return String.format(spec + "d", signed);
      case 'u':
        return pad(spec, Long.toUnsignedString(v));
      case 'x':
        return pad(spec, Long.toHexString(v));
      case 'X':
        return pad(spec, Long.toHexString(v).toUpperCase(java.util.Locale.ROOT));
      default:
        return null;
    }
  }

  /** Width and flags for an unsigned conversion, applied to its digits. */
  private static String pad(String spec, String digits) {
    boolean left = spec.contains("-");
    boolean zero = spec.contains("0") && !left && spec.indexOf('0') < firstWidthDigit(spec);
    String w = spec.replaceAll("[^0-9]", "").replaceFirst("^0+", "");
    int width = w.isEmpty() ? 0 : Integer.parseInt(w);
    if (digits.length() >= width) {
      return digits;
    }
    String fill = String.valueOf(zero ? '0' : ' ').repeat(width - digits.length());
    return left ? digits + fill.replace('0', ' ') : fill + digits;
  }

  private static int firstWidthDigit(String spec) {
    for (int i = 1; i < spec.length(); i++) {
      if (spec.charAt(i) >= '1' && spec.charAt(i) <= '9') {
        return i;
      }
    }
    return spec.length();
  }

  private static int pointerSuffix(byte[] fmt, int j, int end) {
    if (j + 1 < end && (fmt[j + 1] == 'x' || fmt[j + 1] == 'K')) {
      return 1;
    }
    if (j + 2 < end
        && (fmt[j + 1] == 'i' || fmt[j + 1] == 'I')
        && (fmt[j + 2] == '4' || fmt[j + 2] == '6')) {
      return 2;
    }
    return 0;
  }

  private static String pointer(ExecutionContext ctx, byte[] fmt, int j, int end, long arg) {
    int suffix = pointerSuffix(fmt, j, end);
    if (suffix == 2) {
      boolean leadingZeros = fmt[j + 1] == 'i';
      boolean v6 = fmt[j + 2] == '6';
      byte[] a = new byte[v6 ? 16 : 4];
      if (MiscHelpers.readKernel(ctx, arg, a, 0, a.length, false) != 0) {
        return null;
      }
      StringBuilder sb = new StringBuilder();
      if (!v6) {
        for (int k = 0; k < 4; k++) {
          sb.append(k > 0 ? "." : "")
              .append(leadingZeros ? String.format("%03d", a[k] & 0xff) : "" + (a[k] & 0xff));
        }
      } else {
        for (int k = 0; k < 16; k += 2) {
          int w = (a[k] & 0xff) << 8 | (a[k + 1] & 0xff);
          sb.append(k > 0 && !leadingZeros ? ":" : "")
              .append(String.format(leadingZeros ? "%04x" : "%x", w));
        }
      }
      return sb.toString();
    }
    return String.format("%016x", arg);
  }

  private static String string(ExecutionContext ctx, long ptr) {
    StringBuilder sb = new StringBuilder();
    byte[] one = new byte[1];
    for (int k = 0; k < MAX_STR - 1; k++) {
      if (MiscHelpers.readKernel(ctx, ptr + k, one, 0, 1, false) != 0) {
        return "";
      }
      if (one[0] == 0) {
        break;
      }
      sb.append((char) (one[0] & 0xff));
    }
    return sb.toString();
  }
}
