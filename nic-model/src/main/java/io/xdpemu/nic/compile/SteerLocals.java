package io.xdpemu.nic.compile;

/**
 * The local variables of the generated {@code steer(byte[] p, int off, int len, ParseResult r,
 * byte[] scratch)}: the parser's state, what the stack tells the classifier as headers are pushed
 * (offsets, VLAN tag, ports, first instance of each header at level 0, which header types were
 * seen, which rules matched), and the classifier's scratch. Every local is initialised before the
 * first state, so the frames ASM computes never merge an unset local.
 */
final class SteerLocals {
  static final int P = 1;
  static final int OFF = 2;
  static final int LEN = 3;
  static final int R = 4;
  static final int CURSOR = 6;
  static final int STEPS = 7;
  static final int REPEAT = 8;
  static final int LEVEL = 9;
  static final int COUNT = 10;
  static final int TYPE = 11;
  static final int OFFSET = 12;
  static final int LENGTH = 13;
  static final int LEVELS = 14;
  static final int BASE = 15;
  static final int HL = 16;
  static final int SUM = 17; // long
  static final int SEEN = 19; // long: bit h set when header type h (< 64) was extracted
  static final int MAX_LEVEL = 21;
  static final int L2 = 22;
  static final int L3 = 23;
  static final int L4 = 24;
  static final int INNER_L3 = 25;
  static final int INNER_L4 = 26;
  static final int VLAN_OFF = 27;
  static final int VLAN_TCI = 28;
  static final int VLAN_PROTO = 29;
  static final int PORTS = 30;
  static final int I = 31;
  static final int T = 32;
  static final int LV = 33;
  static final int LVL = 34;
  static final int HASH = 35;
  static final int IDX = 36;
  static final int NEXT = 37; // the state a tunnel entry continues at (steer -> steerInner)
  static final int V = 38; // long
  static final int DEPTH_LIMIT = 40; // min(max_depth, result capacity)
  // What the checksum verdicts need, noted at push time (ChecksumEmitter)
  // Stack indices, encoded with a flag or two so that few locals stay live across the graph.
  static final int CS_L3 = 41; // first IP header at level 0: IPv4 its stack index, -2 IPv6, -1 none
  static final int CS_IP = 42; // the IP header L4 belongs to: index << 2 | v4 << 1 | checkable; -1
  static final int CS_NH = 43; // frame offset of the last header's next-header byte
  static final int CS_L4 =
      44; // the TCP/UDP header to check: index << 1 | tcp; -2 decided, none; -1
  // Rules decided as headers are pushed (RuleBits): one bit per rule
  static final int PTYPE_BITS = 52; // long: packet-type rules matched so far
  static final int RSS_BITS = 54; // long: RSS traffic classes matched so far at level 0
  static final int SEEN0 = 56; // long: bit h set when header type h (< 64) was pushed at level 0
  private static final int FIRST_FREE = 58;

  final int headerTypes;
  final int maxKeys;

  SteerLocals(int headerTypes, int maxKeys) {
    this.headerTypes = headerTypes;
    this.maxKeys = maxKeys;
  }

  /**
   * Frame offset (plus {@code off}) where run i of the RSS traffic class being hashed starts
   * (RssEmitter.Run); set just before the hash, so never read unset.
   */
  int runBase(int i) {
    return FIRST_FREE + 2 * headerTypes + 2 * maxKeys + i;
  }

  /** Frame offset of the latest instance of header type h, -1 before it. */
  int last(int h) {
    return FIRST_FREE + h;
  }

  /** Frame offset of the first instance of header type h at tunnel level 0, -1 before it. */
  int first0(int h) {
    return FIRST_FREE + headerTypes + h;
  }

  /** Select-key component c of the current state (long). */
  int key(int c) {
    return FIRST_FREE + 2 * headerTypes + 2 * c;
  }

  static final int[] INTS_ZERO = {
    CURSOR,
    STEPS,
    NEXT,
    LEVEL,
    COUNT,
    BASE,
    HL,
    MAX_LEVEL,
    VLAN_TCI,
    VLAN_PROTO,
    PORTS,
    I,
    T,
    LV,
    LVL,
    HASH,
    IDX,
    CS_NH
  };
  static final int[] INTS_MINUS_ONE = {
    L2, L3, L4, INNER_L3, INNER_L4, VLAN_OFF, CS_L3, CS_IP, CS_L4
  };
}
