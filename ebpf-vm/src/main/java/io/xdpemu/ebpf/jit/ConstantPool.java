package io.xdpemu.ebpf.jit;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;

/**
 * The constant pool of one class file (JVMS 4.4): entries are deduplicated by their encoded form,
 * indexes count from 1, and {@code long} entries take two slots.
 */
final class ConstantPool {
  private static final int UTF8 = 1, INTEGER = 3, LONG = 5, CLASS = 7, STRING = 8;
  private static final int FIELDREF = 9, METHODREF = 10, INTERFACE_METHODREF = 11;
  private static final int NAME_AND_TYPE = 12;

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);
  private final Map<String, Integer> index = new HashMap<>();
  private int next = 1;

  /** The number of slots plus one, as the {@code constant_pool_count} field wants it. */
  int count() {
    return next;
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }

  int utf8(String s) {
    return entry(
        "U" + s,
        1,
        () -> {
          out.writeByte(UTF8);
          out.writeUTF(s);
        });
  }

  int integer(int v) {
    return entry(
        "I" + v,
        1,
        () -> {
          out.writeByte(INTEGER);
          out.writeInt(v);
        });
  }

  int longValue(long v) {
    return entry(
        "J" + v,
        2,
        () -> {
          out.writeByte(LONG);
          out.writeLong(v);
        });
  }

  int classRef(String internalName) {
    int name = utf8(internalName);
    return entry(
        "C" + internalName,
        1,
        () -> {
          out.writeByte(CLASS);
          out.writeShort(name);
        });
  }

  int string(String s) {
    int u = utf8(s);
    return entry(
        "S" + s,
        1,
        () -> {
          out.writeByte(STRING);
          out.writeShort(u);
        });
  }

  int fieldRef(String owner, String name, String descriptor) {
    return memberRef(FIELDREF, owner, name, descriptor);
  }

  int methodRef(String owner, String name, String descriptor) {
    return memberRef(METHODREF, owner, name, descriptor);
  }

  int interfaceMethodRef(String owner, String name, String descriptor) {
    return memberRef(INTERFACE_METHODREF, owner, name, descriptor);
  }

  private int memberRef(int tag, String owner, String name, String descriptor) {
    int c = classRef(owner);
    int n = utf8(name);
    int d = utf8(descriptor);
    int nat =
        entry(
            "N" + name + " " + descriptor,
            1,
            () -> {
              out.writeByte(NAME_AND_TYPE);
              out.writeShort(n);
              out.writeShort(d);
            });
    return entry(
        tag + ":" + owner + "." + name + descriptor,
        1,
        () -> {
          out.writeByte(tag);
          out.writeShort(c);
          out.writeShort(nat);
        });
  }

  private interface Writer {
    void write() throws IOException;
  }

  private int entry(String key, int slots, Writer writer) {
    Integer i = index.get(key);
    if (i != null) {
      return i;
    }
    if (next + slots > 0xffff) {
      throw new JitLimitException("constant pool full");
    }
    try {
      writer.write();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int at = next;
    next += slots;
    index.put(key, at);
    return at;
  }
}
