package io.xdpemu.ebpf.vm;

import java.util.function.Consumer;

/**
 * Everything one run of a program can see besides its registers: its address space, the frame (for
 * XDP), the CPU (= RX queue) it runs on, and the services helpers answer from. One instance per RX
 * queue thread, reused packet after packet, so steady-state replay allocates nothing.
 */
public final class ExecutionContext extends LinePadded implements RxContext {
  private final AddressSpace memory;
  private final Region stack;
  private final Region packet;
  private final XdpBuff xdp = new XdpBuff();

  /** The pc of the instruction being executed; the interpreter sets it before helper calls. */
  public int pc;

  /** Instructions left before an unverified run is stopped; Long.MAX_VALUE when verified. */
  public long budget = Long.MAX_VALUE;

  /** bpf_get_smp_processor_id(): the RX queue index. */
  public int cpu;

  /** The virtual clock behind bpf_ktime_get_*_ns, derived from the capture's timestamps. */
  public long clockNs;

  /** State of bpf_get_prandom_u32 (seeded, per queue, so replays are reproducible). */
  public long prngState = 0x9E3779B97F4A7C15L;

  /** Tail calls taken in this run (the kernel's MAX_TAIL_CALL_CNT is 33). */
  public int tailCalls;

  /** Set by bpf_redirect / bpf_redirect_map: where an XDP_REDIRECT goes. */
  public int redirectIfindex;

  public long redirectMapHandle;
  public int redirectKey;
  public long redirectFlags;

  /** Where bpf_trace_printk output goes (one line per call, like trace_pipe). */
  public Consumer<String> trace = s -> {};

  /** Simulated kernel memory for bpf_probe_read_kernel. */
  public KernelMemory kernel = new KernelMemory();

  /**
   * Set by bpf_tail_call on success; the engine then continues in this program (same r1, fresh
   * frame) instead of returning from the helper. Cleared by the engine.
   */
  public Program tailCallTarget;

  /** The NIC's answers for the XDP metadata kfuncs for the current frame. */
  public RxMetadataSource rxMetadata = RxMetadataSource.NONE;

  /**
   * Calls a BPF callback subprogram for bpf_loop / bpf_for_each_map_elem; installed by the engine
   * running the program, null when the engine cannot call back (the helpers then trap).
   */
  public CallbackInvoker callbacks;

  /** The call depth of the frame that made the current helper call (engines' bookkeeping). */
  int helperCallerDepth;

  /**
   * The shared region (id {@code >= AddressSpace.FIRST_SHARED}) a map lookup returned a pointer
   * into last, installed in {@link #memory()}, and its bytes ({@link #valueBytes}); -1 for none.
   * The JIT's proven map-value accesses take the bytes from here when a pointer names this region
   * (a lookup, then accesses through its result), instead of decoding the region table; a shared
   * region's bytes never change, so the pair stays true. Written only by the thread running this
   * context.
   */
  public int valueRegion = -1;

  /** The bytes of {@link #valueRegion}. */
  public byte[] valueBytes;

  /** Free slot for the runtime/helpers (maps, FIB, ring buffers): looked up by class. */
  public Object services;

  /** Stack size per BPF-to-BPF call frame and the deepest call chain (kernel MAX_CALL_FRAMES). */
  public static final int FRAME_STACK = 512;

  public static final int MAX_FRAMES = 8;

  public ExecutionContext(RegionRegistry shared) {
    this.memory = new AddressSpace(shared);
    this.stack = new Region("stack", Region.Kind.STACK, new byte[FRAME_STACK * MAX_FRAMES]);
    this.packet = new Region("packet", Region.Kind.PACKET, new byte[0]);
    memory.install(AddressSpace.STACK, stack);
    memory.install(AddressSpace.PACKET, packet);
    memory.install(
        AddressSpace.CONTEXT, new Region("ctx", Region.Kind.CONTEXT, new byte[24], 0, 24, false));
  }

  public AddressSpace memory() {
    return memory;
  }

  public Region stack() {
    return stack;
  }

  public Region packet() {
    return packet;
  }

  public XdpBuff xdp() {
    return xdp;
  }

  /** r10 of call frame {@code depth} (0 = the program's own frame): the top of its 512 bytes. */
  public static long framePointer(int depth) {
    return AddressSpace.pointer(AddressSpace.STACK, FRAME_STACK * (MAX_FRAMES - depth));
  }

  /** Pointer to the xdp_md context (r1 on entry). */
  public static long contextPointer() {
    return AddressSpace.pointer(AddressSpace.CONTEXT, 0);
  }

  /** Re-targets the packet region after the frame changed (new packet or adjust_head/meta/tail). */
  public void syncPacket() {
    xdp.syncRegion(packet);
  }

  @Override
  public void mapKernel(long address, byte[] bytes) {
    kernel.map(address, bytes, 0, bytes.length);
  }

  @Override
  public void received(int cpu, RxMetadataSource kfuncs) {
    syncPacket();
    if (rxMetadata != kfuncs) {
      rxMetadata = kfuncs; // the same queue's frame after frame: not stored again (XdpBuff#set)
    }
    this.cpu = cpu;
  }

  /** The register file engines run in, reused run after run (see {@link #takeRegisters}). */
  private final long[] registers = new long[16];

  private boolean registersInUse;

  /**
   * A zeroed r0..r15 for one run: this context's own array, so a run allocates nothing, or a new
   * one when a run is already using it (an engine re-entered from a helper, e.g. a callback). Give
   * it back with {@link #releaseRegisters} when the run ends.
   */
  public long[] takeRegisters() {
    if (registersInUse) {
      return new long[16];
    }
    registersInUse = true;
    java.util.Arrays.fill(registers, 0L);
    return registers;
  }

  private CallStack callStack;

  /**
   * The BPF-to-BPF call frames of the run using register file {@code r}: kept with this context's
   * own register file (one run at a time uses it), new for a nested run's.
   */
  CallStack callStack(long[] r) {
    if (r != registers) {
      return new CallStack();
    }
    if (callStack == null) {
      callStack = new CallStack();
    }
    return callStack;
  }

  /** Reusable map-key arrays by exact size (keys up to {@link #SCRATCH_KEY_MAX} bytes). */
  private final byte[][] keyScratch = new byte[SCRATCH_KEY_MAX + 1][];

  public static final int SCRATCH_KEY_MAX = 64;

  /**
   * An array of exactly {@code size} bytes that a helper may fill with a map key and use until it
   * returns (a lookup), reused call after call; larger keys get a new array. Its content is
   * overwritten by the next call, so nothing may keep it.
   */
  public byte[] keyScratch(int size) {
    if (size < 0 || size > SCRATCH_KEY_MAX) {
      return new byte[Math.max(size, 0)];
    }
    byte[] b = keyScratch[size];
    if (b == null) {
      b = new byte[size];
      keyScratch[size] = b;
    }
    return b;
  }

  /** Ends the run that took {@code r} from {@link #takeRegisters}. */
  public void releaseRegisters(long[] r) {
    if (r == registers) {
      registersInUse = false;
    }
  }

  /** Clears per-run state before the next packet. */
  public void resetRun() {
    tailCalls = 0;
    if (tailCallTarget != null) {
      tailCallTarget = null;
    }
    redirectIfindex = 0;
    redirectMapHandle = 0;
    redirectKey = 0;
    redirectFlags = 0;
  }
}
