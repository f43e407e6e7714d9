package io.xdpemu.verifier;

/** Facts gathered from a helper call's arguments ({@code struct bpf_call_arg_meta}). */
final class CallArgMeta {
  MapRef map;
  long constKey = -1;
  int rawRegno = -1;
  long rawSize;
  int memSize;
  int releaseRef;
  int callbackSubprog = -1;

  /** The largest size argument (check_mem_size_reg's msize_max_value). */
  long msizeMax;
}
