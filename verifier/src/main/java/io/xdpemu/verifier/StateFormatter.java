package io.xdpemu.verifier;

/**
 * Prints register and stack states the way the kernel's log does ({@code print_reg_state()}, {@code
 * print_scalar_ranges()}, {@code print_verifier_state()} in kernel/bpf/log.c, 6.18 style: no
 * liveness marks). Numbers within s16/u16 print in decimal, others as hex.
 */
final class StateFormatter {
  private StateFormatter() {}

  static String unum(long v) {
    return Bounds.ule(v, 0xffff) ? Long.toUnsignedString(v) : "0x" + Long.toHexString(v);
  }

  static String snum(long v) {
    return v >= Short.MIN_VALUE && v <= Short.MAX_VALUE
        ? Long.toString(v)
        : "0x" + Long.toHexString(v);
  }

  static String typeName(RegState r) {
    StringBuilder sb = new StringBuilder();
    if (r.rdonly) {
      sb.append("rdonly_");
    }
    if (r.ringbuf) {
      sb.append("ringbuf_");
    }
    // PTR_TO_BTF_ID here is a kfunc's acquired object: trusted through its reference, without the
    // PTR_TRUSTED flag the kernel would print as "trusted_"
    sb.append(r.type.logName());
    if (r.maybeNull) {
      sb.append(r.type == RegType.PTR_TO_BTF_ID ? "or_null_" : "_or_null");
    }
    return sb.toString();
  }

  /** print_reg_state(); {@code frameno} is the frame whose registers are printed. */
  static String reg(RegState r, int frameno) {
    StringBuilder sb = new StringBuilder();
    if (r.type == RegType.SCALAR && r.precise) {
      sb.append('P');
    }
    if (r.type == RegType.SCALAR && r.varOff.isConst()) {
      return sb.append(snum(r.varOff.value())).toString();
    }
    sb.append(typeName(r));
    if (r.type == RegType.PTR_TO_STACK) {
      if (frameno != r.frameno) {
        sb.append('[').append(r.frameno).append(']');
      }
      if (r.varOff.isConst()) {
        return sb.append(snum(r.varOff.value() + r.off)).toString();
      }
    }
    if (r.type == RegType.PTR_TO_BTF_ID && r.btfName != null) {
      sb.append(r.btfName);
    }
    sb.append('(');
    Appender a = new Appender(sb);
    if (r.id != 0) {
      a.add("id=" + (r.id & ~RegState.ADD_CONST));
    }
    if ((r.id & RegState.ADD_CONST) != 0) {
      sb.append(r.off >= 0 ? "+" : "").append(r.off);
    }
    if (r.refObjId != 0) {
      a.add("ref_obj_id=" + r.refObjId);
    }
    if (r.map != null
        && (r.type == RegType.CONST_PTR_TO_MAP
            || r.type == RegType.PTR_TO_MAP_VALUE
            || r.type == RegType.PTR_TO_MAP_KEY)) {
      if (!r.map.name().isEmpty()) {
        a.add("map=" + r.map.name());
      }
      a.add("ks=" + r.map.keySize() + ",vs=" + r.map.valueSize());
    }
    if (r.type != RegType.SCALAR && r.off != 0) {
      a.add("off=" + snum(r.off));
    }
    if (r.type.isPacket()) {
      a.add("r=" + unum((long) r.range));
    }
    if (r.type == RegType.PTR_TO_MEM) {
      a.add("sz=" + unum(r.memSize));
    }
    if (r.varOff.isConst()) {
      if (r.varOff.value() != 0) {
        a.add("imm=" + snum(r.varOff.value()));
      }
    } else {
      scalarRanges(r, a);
      if (!r.varOff.isUnknown()) {
        a.add(
            "var_off=(0x"
                + Long.toHexString(r.varOff.value())
                + "; 0x"
                + Long.toHexString(r.varOff.mask())
                + ")");
      }
    }
    return sb.append(')').toString();
  }

  private static final class Appender {
    final StringBuilder sb;
    boolean first = true;

    Appender(StringBuilder sb) {
      this.sb = sb;
    }

    void add(String s) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append(s);
    }
  }

  /** print_scalar_ranges(): equal values of the same sign share one "=" chain. */
  private static void scalarRanges(RegState r, Appender a) {
    String[] names = {"smin", "smax", "umin", "umax", "smin32", "smax32", "umin32", "umax32"};
    long[] vals = {
      r.smin,
      r.smax,
      r.umin,
      r.umax,
      snum32(r.s32min),
      snum32(r.s32max),
      r.u32min & 0xffffffffL,
      r.u32max & 0xffffffffL
    };
    boolean[] omit = {
      r.smin == Long.MIN_VALUE,
      r.smax == Long.MAX_VALUE,
      r.umin == 0,
      r.umax == -1L,
      r.s32min == Integer.MIN_VALUE,
      r.s32max == Integer.MAX_VALUE,
      r.u32min == 0,
      r.u32max == -1
    };
    for (int i = 0; i < 8; i++) {
      if (omit[i]) {
        continue;
      }
      boolean neg1 = names[i].charAt(0) == 's' && vals[i] < 0;
      StringBuilder item = new StringBuilder(names[i]).append('=');
      for (int j = i + 2; j < 8; j += 2) {
        if (omit[j] || vals[j] != vals[i]) {
          continue;
        }
        boolean neg2 = names[j].charAt(0) == 's' && vals[j] < 0;
        if (neg2 != neg1) {
          continue;
        }
        omit[j] = true;
        item.append(names[j]).append('=');
      }
      item.append(names[i].charAt(0) == 's' ? snum(vals[i]) : unum(vals[i]));
      a.add(item.toString());
    }
  }

  private static long snum32(int v) {
    long s = v;
    return (s >= Short.MIN_VALUE && s <= Short.MAX_VALUE) ? s : (v & 0xffffffffL);
  }

  /** One stack slot as {@code fp-8=mmmm????} or {@code fp-8=ctx()}; null if all invalid. */
  static String stackSlot(StackSlot slot, int spi, int frameno) {
    StringBuilder types = new StringBuilder();
    boolean valid = false;
    for (int j = 0; j < 8; j++) {
      byte t = slot.types[j];
      if (t != StackSlot.INVALID) {
        valid = true;
      }
      types.append(StackSlot.typeChar(t));
    }
    if (!valid) {
      return null;
    }
    String name = "fp" + (-(spi + 1) * 8);
    if (slot.types[7] == StackSlot.SPILL) {
      int j = 0;
      while (j < 8 && slot.types[j] != StackSlot.SPILL) {
        j++;
      }
      return name + "=" + types.substring(0, j) + reg(slot.spilled, frameno);
    }
    return name + "=" + types;
  }
}
