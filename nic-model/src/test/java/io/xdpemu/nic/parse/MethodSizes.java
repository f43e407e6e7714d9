package io.xdpemu.nic.parse;

import java.util.LinkedHashMap;
import java.util.Map;
import org.objectweb.asm.ClassReader;

/** Bytecode length of each method of a class file (its Code attribute's code_length). */
final class MethodSizes {
  private MethodSizes() {}

  static Map<String, Integer> of(ClassReader r) {
    char[] buf = new char[r.getMaxStringLength()];
    int p = r.header + 6;
    p += 2 + 2 * r.readUnsignedShort(p); // interfaces
    int fields = r.readUnsignedShort(p);
    p += 2;
    for (int i = 0; i < fields; i++) {
      p = skipAttributes(r, p + 6);
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    int methods = r.readUnsignedShort(p);
    p += 2;
    for (int i = 0; i < methods; i++) {
      String name = r.readUTF8(p + 2, buf);
      int attrs = r.readUnsignedShort(p + 6);
      p += 8;
      for (int a = 0; a < attrs; a++) {
        String attr = r.readUTF8(p, buf);
        int len = r.readInt(p + 2);
        if (attr.equals("Code")) {
          sizes.put(name, r.readInt(p + 6 + 4));
        }
        p += 6 + len;
      }
    }
    return sizes;
  }

  private static int skipAttributes(ClassReader r, int p) {
    int n = r.readUnsignedShort(p);
    p += 2;
    for (int a = 0; a < n; a++) {
      p += 6 + r.readInt(p + 2);
    }
    return p;
  }
}
