package io.xdpemu.ebpf.btf;

import io.xdpemu.ebpf.MalformedInputException;
import io.xdpemu.ebpf.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * One BTF object: standalone (ids from 1, strings from offset 0) or split on a {@link #base()}, in
 * which case type ids continue at {@code base.typeCount()} and string offsets at {@code
 * base.stringsEnd()} (libbpf btf.c {@code start_id}/{@code start_str_off}; kernel commit
 * 951bb64621b8). Lookups by id and string offset transparently fall through to the base.
 *
 * <p>The wire records ({@link RawType}) and the string section are kept verbatim so that {@link
 * BtfWriter} reproduces the input byte for byte; the decoded {@link BtfType}s are built lazily per
 * id, and the name index on first lookup, so that reading vmlinux (~126k types) stays cheap.
 */
public final class Btf {
  private final Btf base;
  private final BtfHeader header;
  private final RawType[] types;
  private final byte[] strings;
  private final byte[] layout;
  private final int firstId;
  private final int strBase;
  private final String source;
  private final BtfType[] decoded;
  private final AtomicReferenceArray<Map<String, int[]>> nameIndex =
      new AtomicReferenceArray<>(BtfKind.values().length);
  private int pointerSize;

  Btf(Btf base, BtfHeader header, RawType[] types, byte[] strings, byte[] layout, String source) {
    this.base = base;
    this.header = header;
    this.types = types;
    this.strings = strings;
    this.layout = layout;
    this.source = source;
    this.firstId = base == null ? 1 : base.typeCount();
    this.strBase = base == null ? 0 : base.stringsEnd();
    this.decoded = new BtfType[types.length];
  }

  /** Parses standalone raw BTF. */
  public static Btf parse(byte[] data) {
    return BtfReader.read(data, null, "BTF");
  }

  /** Parses raw BTF, split on {@code base} when it is non-null. */
  public static Btf parse(byte[] data, Btf base) {
    return BtfReader.read(data, base, "BTF");
  }

  /** Reads a raw BTF file (or an ELF object's .BTF section), split on {@code base} if given. */
  public static Btf read(Path file, Btf base) {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
    if (ElfBtfSection.isElf(data)) {
      data = ElfBtfSection.extract(data, file.toString());
    }
    return BtfReader.read(data, base, file.toString());
  }

  public static Btf read(Path file) {
    return read(file, null);
  }

  /**
   * Reads a file that may be standalone or split on {@code base} (the {@code --btf FILE} case; raw
   * BTF carries no flag saying which). Split BTF is recognised by a string section that does not
   * start with the empty string (pahole's and ours never do), or, failing that, by refusing to
   * parse standalone (type ids or string offsets beyond its own sections) while parsing split.
   */
  public static Btf readStandaloneOrSplit(Path file, Btf base) {
    byte[] data;
    try {
      data = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
    if (ElfBtfSection.isElf(data)) {
      data = ElfBtfSection.extract(data, file.toString());
    }
    String source = file.toString();
    if (base == null || BtfReader.stringsStartWithNul(data)) {
      try {
        return BtfReader.read(data, null, source);
      } catch (MalformedInputException standaloneError) {
        if (base == null) {
          throw standaloneError;
        }
        try {
          return BtfReader.read(data, base, source);
        } catch (MalformedInputException splitError) {
          throw standaloneError;
        }
      }
    }
    return BtfReader.read(data, base, source);
  }

  /** The base this BTF is split on, or null for standalone BTF. */
  public Btf base() {
    return base;
  }

  public boolean isSplit() {
    return base != null;
  }

  /** Where this BTF came from (a file name or "BTF"), for messages. */
  public String source() {
    return source;
  }

  public BtfHeader header() {
    return header;
  }

  /** The first id this object defines: 1 standalone, the base's type count when split. */
  public int firstId() {
    return firstId;
  }

  /** One past the last valid id, counting void and the base ({@code btf__type_cnt}). */
  public int typeCount() {
    return firstId + types.length;
  }

  /** Number of types this object itself defines. */
  public int ownTypeCount() {
    return types.length;
  }

  /** The first string offset this object's own section answers (0 standalone). */
  public int stringsStart() {
    return strBase;
  }

  /** One past the last valid string offset, base included. */
  public int stringsEnd() {
    return strBase + strings.length;
  }

  /** This object's own string section (not a copy: read-only). */
  byte[] ownStrings() {
    return strings;
  }

  /** This object's own layout section bytes, empty when absent (not a copy: read-only). */
  byte[] layoutSection() {
    return layout;
  }

  /** The wire record of {@code id} (which must not be 0). */
  public RawType raw(int id) {
    if (id < firstId) {
      if (base == null) {
        throw new IllegalArgumentException("type id " + id + " has no record");
      }
      return base.raw(id);
    }
    checkId(id);
    return types[id - firstId];
  }

  /** The decoded type {@code id}; id 0 is {@link BtfType.Void}. */
  public BtfType type(int id) {
    if (id == 0) {
      return new BtfType.Void(0);
    }
    if (id < firstId) {
      return base.type(id);
    }
    checkId(id);
    int i = id - firstId;
    BtfType t = decoded[i];
    if (t == null) {
      t = TypeDecoder.decode(this, id, types[i]);
      decoded[i] = t;
    }
    return t;
  }

  public BtfKind kind(int id) {
    if (id == 0) {
      return BtfKind.UNKN;
    }
    BtfKind k = raw(id).kind();
    return k == null ? BtfKind.UNKN : k;
  }

  /** The name of {@code id} ("" for void and anonymous types). */
  public String typeName(int id) {
    return id == 0 ? "" : string(raw(id).nameOff());
  }

  private void checkId(int id) {
    if (id < 0 || id >= typeCount()) {
      throw new IllegalArgumentException(
          "type id " + id + " out of range [0, " + typeCount() + ") in " + source);
    }
  }

  /** The NUL-terminated string at {@code offset} (offsets below the split start go to the base). */
  public String string(int offset) {
    if (offset < strBase) {
      return base.string(offset);
    }
    int start = offset - strBase;
    if (offset < 0 || start >= strings.length) {
      throw new MalformedInputException(
          "malformed BTF " + source + ": string offset " + offset + " outside string section");
    }
    int end = start;
    while (end < strings.length && strings[end] != 0) {
      end++;
    }
    return new String(strings, start, end - start, StandardCharsets.UTF_8);
  }

  /** True when {@code offset} names a string in this object or its base. */
  public boolean hasString(int offset) {
    return offset >= 0 && offset < stringsEnd();
  }

  /** All type ids (base included) named {@code name}, ascending. */
  public int[] idsByName(String name) {
    int[] own = EMPTY;
    for (BtfKind k : BtfKind.values()) {
      int[] ids = ownIndex(k).getOrDefault(name, EMPTY);
      if (ids.length > 0) {
        own = concat(own, ids);
      }
    }
    java.util.Arrays.sort(own);
    return base == null ? own : concat(base.idsByName(name), own);
  }

  /** The first id named {@code name} of kind {@code kind}, or -1 (btf__find_by_name_kind). */
  public int find(String name, BtfKind kind) {
    if (base != null) {
      int inBase = base.find(name, kind);
      if (inBase >= 0) {
        return inBase;
      }
    }
    int[] ids = ownIndex(kind).get(name);
    return ids == null ? -1 : ids[0];
  }

  /** All ids (base included) of kind {@code kind} named {@code name}, ascending. */
  public int[] findAll(String name, BtfKind kind) {
    int[] own = ownIndex(kind).getOrDefault(name, EMPTY);
    return base == null ? own : concat(base.findAll(name, kind), own);
  }

  /** The decoded type named {@code name} of kind {@code kind}, or null. */
  public BtfType findType(String name, BtfKind kind) {
    int id = find(name, kind);
    return id < 0 ? null : type(id);
  }

  private static final int[] EMPTY = new int[0];

  private static int[] concat(int[] a, int[] b) {
    if (a.length == 0) {
      return b;
    }
    if (b.length == 0) {
      return a;
    }
    int[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  /**
   * Name index of this object's own types of one kind, built on first use of that kind: CO-RE asks
   * for structs, enums and typedefs, so the 56k FUNCs of vmlinux are only indexed when asked.
   */
  private Map<String, int[]> ownIndex(BtfKind kind) {
    Map<String, int[]> index = nameIndex.get(kind.ordinal());
    if (index == null) {
      // concurrent first uses may both build it; the results are equal
      index = buildNameIndex(kind);
      nameIndex.set(kind.ordinal(), index);
    }
    return index;
  }

  private Map<String, int[]> buildNameIndex(BtfKind kind) {
    int number = kind.number();
    Map<String, int[]> index = new HashMap<>();
    for (int i = 0; i < types.length; i++) {
      RawType r = types[i];
      if (r.nameOff() == 0 || r.kindNumber() != number) {
        continue;
      }
      String name = string(r.nameOff());
      if (name.isEmpty()) {
        continue;
      }
      int[] ids = index.get(name);
      if (ids == null) {
        index.put(name, new int[] {firstId + i});
      } else {
        int[] more = java.util.Arrays.copyOf(ids, ids.length + 1);
        more[ids.length] = firstId + i;
        index.put(name, more);
      }
    }
    return Collections.unmodifiableMap(index);
  }

  /** Follows TYPEDEF, VOLATILE, CONST, RESTRICT and TYPE_TAG to the underlying type id. */
  public int resolve(int id) {
    return BtfLayout.skipModsAndTypedefs(this, id);
  }

  /** {@link #resolve} then decode. */
  public BtfType resolveType(int id) {
    return type(resolve(id));
  }

  /** Size in bytes of a value of type {@code id} ({@code btf__resolve_size}). */
  public long sizeOf(int id) {
    return BtfLayout.sizeOf(this, id);
  }

  /** Natural alignment of type {@code id}; 1 for packed structs ({@code btf__align_of}). */
  public int alignOf(int id) {
    return BtfLayout.alignOf(this, id);
  }

  /**
   * Pointer size: libbpf's {@code determine_ptr_size} looks for "long" ints; default 8 for a BTF
   * without them.
   */
  public int pointerSize() {
    if (pointerSize == 0) {
      pointerSize = BtfLayout.determinePointerSize(this);
    }
    return pointerSize;
  }

  /**
   * Finds a member of composite {@code compositeId} by name, descending into anonymous struct/union
   * members as C does; returns its path with absolute bit offset, or null.
   */
  public MemberPath findMember(int compositeId, String name) {
    return BtfLayout.findMember(this, resolve(compositeId), name, 0);
  }

  /** A found member: its declaration and its bit offset from the start of the outer composite. */
  public record MemberPath(BtfType.Member member, long bitOffset) {
    public long byteOffset() {
      return bitOffset / 8;
    }
  }

  /** The raw bytes of this BTF (header + sections), as {@link BtfWriter#write} lays them out. */
  public byte[] toBytes() {
    return BtfWriter.write(this);
  }

  @Override
  public String toString() {
    return "Btf["
        + source
        + ", ids "
        + firstId
        + ".."
        + (typeCount() - 1)
        + (base != null ? ", split" : "")
        + "]";
  }
}
