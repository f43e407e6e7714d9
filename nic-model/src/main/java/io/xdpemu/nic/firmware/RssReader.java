package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.Located;
import java.util.ArrayList;
import java.util.List;

/** Reads the "rss" section of a firmware file (see {@link RssConfig}). */
final class RssReader {
  private RssReader() {}

  static RssConfig read(FirmwareLoader names, Located o) {
    o.allowOnly(
        "key", "queues", "indirection", "indirection_size", "inner", "classes", "description");
    Located keyValue = o.require("key");
    byte[] key = hex(keyValue);
    if (key.length < 8 || key.length > 256) {
      throw keyValue
          .at()
          .error(
              "RSS key of "
                  + key.length
                  + " bytes: expected 8..256 bytes"
                  + " (40 is usual, as Microsoft's verification key)");
    }
    int queues = FirmwareLoader.positive(o, "queues", 1, 1024);
    int[] reta;
    if (o.has("indirection")) {
      Located a = o.get("indirection").asArray();
      if (a.size() == 0) {
        throw a.at().error("empty indirection table");
      }
      reta = new int[a.size()];
      for (int i = 0; i < reta.length; i++) {
        reta[i] = a.get(i).asInt();
        if (reta[i] < 0 || reta[i] >= queues) {
          throw a.get(i)
              .at()
              .error("indirection entry " + reta[i] + " is not a queue (0.." + (queues - 1) + ")");
        }
      }
    } else {
      // Linux default fill: ethtool_rxfh_indir_default(i, n) = i % n.
      reta = new int[FirmwareLoader.positive(o, "indirection_size", 128, 65536)];
      for (int i = 0; i < reta.length; i++) {
        reta[i] = i % queues;
      }
    }
    List<RssConfig.TrafficClass> classes = new ArrayList<>();
    for (Located c : o.require("classes").asArray()) {
      Located co = c.asObject();
      co.allowOnly("name", "match", "fields", "hash_type", "description");
      Located match = co.require("match").asArray();
      int[] hs = new int[match.size()];
      for (int i = 0; i < hs.length; i++) {
        hs[i] = names.headerNamed(match.get(i)).id();
      }
      Located fa = co.require("fields").asArray();
      Layout.FieldRef[] fields = new Layout.FieldRef[fa.size()];
      for (int i = 0; i < fields.length; i++) {
        fields[i] = names.fieldRef(fa.get(i), 128);
        if (fields[i].width() % 8 != 0 || fields[i].bitOffset() % 8 != 0) {
          throw fa.get(i)
              .at()
              .error(
                  "RSS input field "
                      + fields[i].text()
                      + " must be whole bytes (byte-aligned, width a multiple of 8)");
        }
      }
      Located ht = co.require("hash_type");
      RssHashType type = RssHashType.byName(ht.asString());
      if (type == null) {
        throw ht.at()
            .error(
                "unknown hash type \""
                    + ht.asString()
                    + "\" (enum xdp_rss_hash_type, e.g. L4_IPV4_TCP)");
      }
      RssConfig.TrafficClass tc =
          new RssConfig.TrafficClass(co.require("name").asString(), hs, fields, type, co.at());
      if (key.length < tc.inputBytes() + 4) {
        throw keyValue
            .at()
            .error(
                "RSS key of "
                    + key.length
                    + " bytes is too short for class "
                    + tc.name()
                    + " ("
                    + tc.inputBytes()
                    + " input bytes need "
                    + (tc.inputBytes() + 4)
                    + ")");
      }
      classes.add(tc);
    }
    return new RssConfig(key, queues, reta, o.getBoolean("inner", false), List.copyOf(classes));
  }

  /** Hex bytes; spaces, colons and a 0x prefix are allowed for readability. */
  static byte[] hex(Located v) {
    String s = v.asString().replaceAll("[\\s:]", "");
    if (s.startsWith("0x")) {
      s = s.substring(2);
    }
    if (s.length() % 2 != 0 || !s.matches("[0-9a-fA-F]*")) {
      throw v.at().error("expected an even number of hex digits");
    }
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
