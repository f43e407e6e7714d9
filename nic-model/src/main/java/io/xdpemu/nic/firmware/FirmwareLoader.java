package io.xdpemu.nic.firmware;

import io.xdpemu.ebpf.jackson.JsonFiles;
import io.xdpemu.ebpf.jackson.Located;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a firmware file (JSON with comments, format {@code xdpemu-nicfw/1}, documented in
 * nic-model/FIRMWARE.md), resolves every name and validates it. Anything wrong is a {@link
 * io.xdpemu.ebpf.MalformedInputException} "malformed FILE:LINE:COL: problem" that points at the
 * offending value: an unknown header or field, a field outside its header, an unreachable state, a
 * metadata layout with overlapping fields or a size the kernel would refuse.
 */
public final class FirmwareLoader {
  public static final String FORMAT = "xdpemu-nicfw/1";

  /** Kernel limit on the metadata length: xdp_metalen_invalid() (u8 meta_len, 4-byte aligned). */
  public static final int KERNEL_META_MAX = 252;

  final Map<String, HeaderType> headers = new LinkedHashMap<>();
  final Map<String, Long> ptypeByRule = new HashMap<>();

  private FirmwareLoader() {}

  public static Firmware load(Path file) {
    return parse(JsonFiles.read(file));
  }

  public static Firmware parse(String text, String sourceName) {
    return parse(JsonFiles.parse(text, sourceName));
  }

  public static Firmware parse(Located document) {
    return new FirmwareLoader().read(document.asObject());
  }

  private Firmware read(Located root) {
    root.allowOnly(
        "format",
        "name",
        "version",
        "description",
        "mode",
        "limits",
        "header_types",
        "parser",
        "ptypes",
        "rss",
        "checksum",
        "vlan_strip",
        "flow_marks",
        "rx_descriptor",
        "metadata");
    Located format = root.require("format");
    if (!FORMAT.equals(format.asString())) {
      throw format
          .at()
          .error("unsupported format \"" + format.asString() + "\", expected " + FORMAT);
    }
    String name = root.require("name").asString();
    String version = root.getString("version", "0");
    Firmware.Mode mode = Firmware.Mode.PREPEND;
    if (root.has("mode")) {
      Located m = root.get("mode");
      switch (m.asString()) {
        case "prepend":
          mode = Firmware.Mode.PREPEND;
          break;
        case "kernel":
          mode = Firmware.Mode.KERNEL;
          break;
        default:
          throw m.at().error("unknown mode \"" + m.asString() + "\" (prepend or kernel)");
      }
    }
    int maxDepth = 16;
    int metaMax = KERNEL_META_MAX;
    if (root.has("limits")) {
      Located limits = root.get("limits").asObject();
      limits.allowOnly("max_depth", "meta_max");
      maxDepth = positive(limits, "max_depth", maxDepth, 64);
      metaMax = positive(limits, "meta_max", metaMax, KERNEL_META_MAX);
    }
    readHeaders(root.require("header_types").asObject());
    Located parser = root.require("parser").asObject();
    ParseGraphReader graph = new ParseGraphReader(this);
    List<ParseState> states = graph.readParser(parser);
    int start = graph.start(parser);
    List<PtypeRule> ptypes = new ArrayList<>();
    long defaultPtype = 0;
    String ptypeEnum = null;
    String defaultName = "unknown";
    if (root.has("ptypes")) {
      Located p = root.get("ptypes").asObject();
      p.allowOnly("enum", "default", "default_name", "rules");
      defaultPtype = p.has("default") ? Values.u32(p.get("default")) : 0;
      if (p.has("enum")) {
        ptypeEnum = p.get("enum").asString();
        if (!ptypeEnum.matches("[A-Za-z_][A-Za-z0-9_]*")) {
          throw p.get("enum").at().error("\"" + ptypeEnum + "\" is not a C identifier");
        }
      }
      defaultName = p.getString("default_name", defaultName);
      for (Located r : p.require("rules").asArray()) {
        ptypes.add(readPtypeRule(r.asObject()));
      }
    }
    RssConfig rss = root.has("rss") ? RssReader.read(this, root.get("rss").asObject()) : null;
    boolean csumL3 = false;
    boolean csumL4 = false;
    if (root.has("checksum")) {
      Located c = root.get("checksum").asObject();
      c.allowOnly("l3", "l4");
      csumL3 = c.getBoolean("l3", false);
      csumL4 = c.getBoolean("l4", false);
    }
    boolean vlanStrip = root.getBoolean("vlan_strip", false);
    List<FlowMarkRule> marks = new ArrayList<>();
    if (root.has("flow_marks")) {
      for (Located m : root.get("flow_marks").asArray()) {
        marks.add(readFlowMark(m.asObject()));
      }
    }
    LayoutReader layouts = new LayoutReader(this);
    Layout descriptor;
    int ringSize = 256;
    if (root.has("rx_descriptor")) {
      Located d = root.get("rx_descriptor").asObject();
      ringSize = positive(d, "ring_size", ringSize, 1 << 16);
      descriptor = layouts.read(d, false, Integer.MAX_VALUE);
    } else {
      descriptor = LayoutReader.defaultDescriptor(name);
    }
    Layout metadata = null;
    if (root.has("metadata")) {
      if (mode == Firmware.Mode.KERNEL) {
        throw root.get("metadata")
            .at()
            .error(
                "a kernel-mode firmware writes no metadata block (data_meta == data); remove"
                    + " \"metadata\" or use mode \"prepend\"");
      }
      metadata = layouts.read(root.get("metadata").asObject(), true, metaMax);
    } else if (mode == Firmware.Mode.PREPEND) {
      throw root.at().error("missing \"metadata\" (required in prepend mode)");
    }
    Firmware fw =
        new Firmware(
            root.at().source(),
            name,
            version,
            mode,
            maxDepth,
            metaMax,
            List.copyOf(headers.values()),
            states,
            start,
            List.copyOf(ptypes),
            defaultPtype,
            ptypeEnum,
            defaultName,
            rss,
            csumL3,
            csumL4,
            vlanStrip,
            List.copyOf(marks),
            metadata,
            descriptor,
            ringSize);
    FirmwareBounds.check(fw);
    return fw;
  }

  static int positive(Located o, String key, int fallback, int max) {
    if (!o.has(key)) {
      return fallback;
    }
    Located v = o.get(key);
    long n = v.asLong();
    if (n < 1 || n > max) {
      throw v.at().error("\"" + key + "\" must be in 1.." + max + ", found " + n);
    }
    return (int) n;
  }

  // ---- header types ----------------------------------------------------------------------------

  private void readHeaders(Located types) {
    for (Map.Entry<String, Located> e : types.members().entrySet()) {
      headers.put(e.getKey(), readHeader(headers.size(), e.getKey(), e.getValue().asObject()));
    }
  }

  private static HeaderType readHeader(int id, String name, Located o) {
    o.allowOnly("protocol", "length", "fields", "description");
    Protocol protocol = Protocol.byFileName(name);
    if (o.has("protocol")) {
      protocol = Protocol.byFileName(o.get("protocol").asString());
      if (protocol == null) {
        throw o.get("protocol")
            .at()
            .error(
                "unknown protocol \""
                    + o.get("protocol").asString()
                    + "\" (known: "
                    + knownProtocols()
                    + ")");
      }
    }
    if (protocol == null) {
      protocol = Protocol.OTHER;
    }
    List<HeaderType.Field> fields = new ArrayList<>();
    for (Map.Entry<String, Located> f : o.require("fields").asObject().members().entrySet()) {
      Located pair = f.getValue().asArray();
      if (pair.size() != 2) {
        throw pair.at().error("field \"" + f.getKey() + "\" must be [bit_offset, bit_width]");
      }
      int off = pair.get(0).asInt();
      int width = pair.get(1).asInt();
      if (off < 0 || width < 1 || width > 128) {
        throw pair.at().error("field \"" + f.getKey() + "\": offset must be >= 0 and width 1..128");
      }
      fields.add(new HeaderType.Field(f.getKey(), off, width, pair.at()));
    }
    Located lenValue = o.require("length");
    HeaderType.Length length;
    int coveredBits = 0;
    if (lenValue.kind() == Located.Kind.NUMBER) {
      int n = lenValue.asInt();
      if (n < 1 || n > 65535) {
        throw lenValue.at().error("length must be 1..65535 bytes, found " + n);
      }
      length = new HeaderType.Length(n, new int[0], new int[0], n, n);
    } else {
      Located l = lenValue.asObject();
      l.allowOnly("field", "mul", "terms", "add", "min", "max");
      List<Located> terms = new ArrayList<>();
      if (l.has("field")) {
        terms.add(l);
      }
      if (l.has("terms")) {
        for (Located t : l.get("terms").asArray()) {
          terms.add(t.asObject());
        }
      }
      if (terms.isEmpty()) {
        throw l.at().error("computed length needs \"field\" or \"terms\"");
      }
      int[] tf = new int[terms.size()];
      int[] tm = new int[terms.size()];
      for (int i = 0; i < tf.length; i++) {
        Located t = terms.get(i);
        String fieldName = t.require("field").asString();
        int idx = -1;
        for (int k = 0; k < fields.size(); k++) {
          if (fields.get(k).name().equals(fieldName)) {
            idx = k;
          }
        }
        if (idx < 0) {
          throw t.get("field").at().error("unknown field \"" + fieldName + "\" in header " + name);
        }
        if (fields.get(idx).width() > 32) {
          throw t.get("field")
              .at()
              .error("length field \"" + fieldName + "\" is wider than 32 bits");
        }
        tf[i] = idx;
        tm[i] = t.getInt("mul", 1);
        HeaderType.Field fd = fields.get(idx);
        coveredBits = Math.max(coveredBits, fd.bitOffset() + fd.width());
      }
      int add = l.getInt("add", 0);
      int min = l.getInt("min", 1);
      int max = l.getInt("max", 65535);
      if (min < 1 || max < min) {
        throw l.at().error("length bounds must satisfy 1 <= min <= max");
      }
      length = new HeaderType.Length(add, tf, tm, min, max);
    }
    // Every declared field must be inside the header: a computed length shorter than the bytes
    // covering all fields is a bad length (HeaderTooShort), never a read past the header.
    for (HeaderType.Field f : fields) {
      coveredBits = Math.max(coveredBits, f.bitOffset() + f.width());
    }
    int minBytes = length.fixed() ? length.add() : Math.max(length.min(), (coveredBits + 7) / 8);
    int maxBytes = length.fixed() ? length.add() : length.max();
    for (HeaderType.Field f : fields) {
      if (f.bitOffset() + f.width() > maxBytes * 8) {
        throw f.at()
            .error(
                "field \""
                    + f.name()
                    + "\" (bits "
                    + f.bitOffset()
                    + ".."
                    + (f.bitOffset() + f.width() - 1)
                    + ") lies outside the "
                    + maxBytes
                    + "-byte header "
                    + name);
      }
    }
    if (!length.fixed()) {
      length =
          new HeaderType.Length(
              length.add(), length.termField(), length.termMul(), minBytes, length.max());
    }
    return new HeaderType(id, name, protocol, List.copyOf(fields), length, minBytes, o.at());
  }

  private static String knownProtocols() {
    StringBuilder sb = new StringBuilder();
    for (Protocol p : Protocol.values()) {
      sb.append(sb.length() == 0 ? "" : ", ").append(p.fileName());
    }
    return sb.toString();
  }

  HeaderType headerNamed(Located nameValue) {
    HeaderType h = headers.get(nameValue.asString());
    if (h == null) {
      throw nameValue.at().error("unknown header type \"" + nameValue.asString() + "\"");
    }
    return h;
  }

  /** Resolves "hdr.field" to a header field; {@code maxWidth} caps the width (0 = any). */
  Layout.FieldRef fieldRef(Located refValue, int maxWidth) {
    String text = refValue.asString();
    int dot = text.indexOf('.');
    if (dot < 0) {
      throw refValue.at().error("expected \"header.field\", found \"" + text + "\"");
    }
    HeaderType h = headers.get(text.substring(0, dot));
    if (h == null) {
      throw refValue.at().error("unknown header type \"" + text.substring(0, dot) + "\"");
    }
    int idx = h.fieldIndex(text.substring(dot + 1));
    if (idx < 0) {
      throw refValue
          .at()
          .error("header " + h.name() + " has no field \"" + text.substring(dot + 1) + "\"");
    }
    HeaderType.Field f = h.fields().get(idx);
    if (maxWidth > 0 && f.width() > maxWidth) {
      throw refValue
          .at()
          .error(
              "field "
                  + text
                  + " is "
                  + f.width()
                  + " bits wide; at most "
                  + maxWidth
                  + " allowed here");
    }
    return new Layout.FieldRef(h.id(), f.bitOffset(), f.width(), text);
  }

  // ---- classification
  // ----------------------------------------------------------------------------

  private PtypeRule readPtypeRule(Located o) {
    o.allowOnly("name", "match", "exact", "ptype", "description");
    String name = o.require("name").asString();
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw o.get("name").at().error("ptype rule name \"" + name + "\" is not a C identifier");
    }
    if (ptypeByRule.containsKey(name)) {
      throw o.get("name").at().error("duplicate ptype rule name \"" + name + "\"");
    }
    Located match = o.require("match").asArray();
    int[] hs = new int[match.size()];
    for (int i = 0; i < hs.length; i++) {
      hs[i] = headerNamed(match.get(i)).id();
    }
    long ptype = Values.u32(o.require("ptype"));
    ptypeByRule.put(name, ptype);
    return new PtypeRule(name, hs, o.getBoolean("exact", false), ptype, o.at());
  }

  private FlowMarkRule readFlowMark(Located o) {
    o.allowOnly("match", "mark", "description");
    Located match = o.require("match").asObject();
    int n = match.members().size();
    Layout.FieldRef[] fields = new Layout.FieldRef[n];
    long[] values = new long[n];
    long[] masks = new long[n];
    int i = 0;
    for (Map.Entry<String, Located> e : match.members().entrySet()) {
      fields[i] = fieldRef(Located.string(e.getKey(), e.getValue().at()), 64);
      long full = fields[i].width() == 64 ? -1L : (1L << fields[i].width()) - 1;
      Located v = e.getValue();
      if (v.kind() == Located.Kind.ARRAY) {
        Located vm = v.asArray();
        if (vm.size() != 2) {
          throw vm.at().error("expected a value or [value, mask]");
        }
        masks[i] = Values.number(vm.get(1)) & full;
        values[i] = Values.number(vm.get(0)) & masks[i];
      } else {
        masks[i] = full;
        values[i] = Values.number(v) & full;
      }
      i++;
    }
    return new FlowMarkRule(fields, values, masks, Values.number(o.require("mark")), o.at());
  }
}
