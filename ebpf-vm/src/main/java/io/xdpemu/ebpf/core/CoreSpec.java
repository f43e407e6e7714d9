package io.xdpemu.ebpf.core;

import io.xdpemu.ebpf.btf.Btf;
import java.util.ArrayList;
import java.util.List;

/**
 * libbpf's {@code struct bpf_core_spec}: the high-level accessors (named members and array
 * indices), the raw access indices (every level, anonymous members included) and the resulting bit
 * offset, for one side (local or target) of a relocation.
 */
final class CoreSpec {
  /** BPF_CORE_SPEC_MAX_LEN. */
  static final int MAX_LEN = 64;

  final Btf btf;
  final int rootTypeId;
  final CoreKind kind;
  final List<CoreAccessor> spec = new ArrayList<>();
  final List<Integer> raw = new ArrayList<>();
  long bitOffset;

  CoreSpec(Btf btf, int rootTypeId, CoreKind kind) {
    this.btf = btf;
    this.rootTypeId = rootTypeId;
    this.kind = kind;
  }

  CoreAccessor last() {
    return spec.get(spec.size() - 1);
  }

  /**
   * bpf_core_format_spec: {@code <byte_off> [8] struct mynic_metadata.flow_mark (0:4 @ offset 32)},
   * the text libbpf puts after "failed to resolve CO-RE relocation".
   */
  String format() {
    StringBuilder b = new StringBuilder();
    String name = btf.typeName(rootTypeId);
    b.append('<')
        .append(kind.label())
        .append("> [")
        .append(rootTypeId)
        .append("] ")
        .append(CoreTypes.kindString(btf, rootTypeId))
        .append(' ')
        .append(name.isEmpty() ? "<anon>" : name);
    if (kind.isTypeBased()) {
      return b.toString();
    }
    if (kind.isEnumValueBased()) {
      CoreTypes.EnumView e = CoreTypes.enumView(btf, btf.resolve(rootTypeId));
      int i = raw.get(0);
      b.append("::").append(e.name(i)).append(" = ");
      b.append(
          e.signed() ? Long.toString(e.printValue(i)) : Long.toUnsignedString(e.printValue(i)));
      return b.toString();
    }
    for (int i = 0; i < spec.size(); i++) {
      CoreAccessor a = spec.get(i);
      if (a.name() != null) {
        b.append('.').append(a.name());
      } else if (i > 0 || a.idx() > 0) {
        b.append('[').append(a.idx()).append(']');
      }
    }
    b.append(" (");
    for (int i = 0; i < raw.size(); i++) {
      b.append(i == 0 ? "" : ":").append(raw.get(i));
    }
    if (bitOffset % 8 != 0) {
      b.append(" @ offset ").append(bitOffset / 8).append('.').append(bitOffset % 8).append(')');
    } else {
      b.append(" @ offset ").append(bitOffset / 8).append(')');
    }
    return b.toString();
  }
}
