package io.xdpemu.nic;

import io.netty.buffer.PooledByteBufAllocator;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.firmware.Firmware;
import io.xdpemu.nic.parse.ParseResult;
import java.util.Arrays;

/**
 * The software NIC: a firmware (parser, classifier, RSS, layouts), RX queues with frame buffers
 * from a netty pool and descriptor rings in simulated kernel memory.
 *
 * <pre>
 *   Nic nic = Nic.create(firmware, NicConfig.defaults());   // or Nic.plain(config): no --firmware
 *   RxParse p = new RxParse();                              // one per frame in flight, reused
 *   int q = nic.steer(bytes, 0, len, p);                    // parse, classify, RSS queue, once
 *   nic.queue(q).receive(bytes, 0, len, tsNs, p, ctx);      // buffer, descriptor, metadata, xdp_buff
 *   nic.load(newFirmware, validator);                    // hot swap at a packet boundary
 * </pre>
 *
 * <p>Threads: each queue is used by one thread at a time (as NAPI polls a queue on one CPU); {@link
 * #steer} may be called from any thread; {@link #load} from any thread, concurrently with traffic.
 */
public final class Nic implements AutoCloseable {
  private final NicConfig config;

  /**
   * One frame pool for every NIC of the process: netty keeps each allocator's per-thread caches in
   * the calling threads' maps for as long as those threads live, so an allocator per NIC leaked its
   * arenas on every run made in one JVM (tests, {@code xdpemu bench}); one shared pool reuses them.
   */
  private static final PooledByteBufAllocator FRAMES = new PooledByteBufAllocator(false);

  private final PooledByteBufAllocator allocator = FRAMES;
  private final RxQueue[] queues;
  private volatile ActiveFirmware active;
  private final ThreadLocal<RxParse> steerScratch = ThreadLocal.withInitial(RxParse::new);
  private final String label;
  private final boolean answersKfuncs;

  private final FirmwareEngine engine;

  private Nic(
      Firmware fw, NicConfig config, String label, boolean answersKfuncs, FirmwareEngine engine) {
    this.config = config;
    this.engine = engine;
    this.label = label;
    this.answersKfuncs = answersKfuncs;
    checkFits(fw, config);
    int n = config.queues() > 0 ? config.queues() : fw.rss() != null ? fw.rss().queues() : 1;
    this.active = ActiveFirmware.compile(fw, engine, 1, n);
    queues = new RxQueue[n];
    for (int i = 0; i < n; i++) {
      queues[i] = new RxQueue(this, i, allocator);
    }
  }

  public static Nic create(Firmware fw, NicConfig config) {
    return create(fw, config, FirmwareEngine.fromProperty());
  }

  /** A NIC running {@code fw} with the given engine (compiled, or the reference interpreter). */
  public static Nic create(Firmware fw, NicConfig config, FirmwareEngine engine) {
    return new Nic(fw, config, null, true, engine);
  }

  /**
   * The NIC of a run without {@code --firmware}: the bundled {@link PlainFirmware} (kernel mode, no
   * metadata, the kernel's default RSS), and a driver without XDP RX-metadata kfuncs (they return
   * -ENODATA), the way {@code BPF_PROG_TEST_RUN} runs a program.
   */
  public static Nic plain(NicConfig config) {
    return plain(config, FirmwareEngine.fromProperty());
  }

  /** {@link #plain(NicConfig)} with the given engine. */
  public static Nic plain(NicConfig config, FirmwareEngine engine) {
    return new Nic(PlainFirmware.get(), config, PlainFirmware.DESCRIPTION, false, engine);
  }

  /** The engine running this NIC's firmware. */
  public FirmwareEngine engine() {
    return engine;
  }

  /** What the summary calls this NIC: the firmware ("mynic 2.0.0 (fw.json)") or the plain NIC. */
  public String describe() {
    return label != null ? label : active.firmware().toString();
  }

  /** Whether this is the NIC of a run without firmware ({@link #plain}). */
  public boolean isPlain() {
    return label != null;
  }

  /** Whether the queues answer the XDP RX-metadata kfuncs (false for the plain NIC). */
  boolean answersKfuncs() {
    return answersKfuncs;
  }

  /** Refuses a metadata block that does not fit the headroom next to struct xdp_frame. */
  private static void checkFits(Firmware fw, NicConfig config) {
    int room = config.headroom() - XdpBuff.XDP_FRAME_SIZE;
    if (fw.metadataSize() > room) {
      throw fw.metadata()
          .at()
          .error(
              "metadata size "
                  + fw.metadataSize()
                  + " is too large for the headroom: "
                  + config.headroom()
                  + " bytes minus "
                  + XdpBuff.XDP_FRAME_SIZE
                  + " for struct xdp_frame leaves "
                  + room);
    }
  }

  public NicConfig config() {
    return config;
  }

  public int queueCount() {
    return queues.length;
  }

  public RxQueue queue(int i) {
    return queues[i];
  }

  public Firmware firmware() {
    return active.firmware();
  }

  /** 1 for the initial firmware, incremented by every successful {@link #load}. */
  public long generation() {
    return active.generation();
  }

  ActiveFirmware active() {
    return active;
  }

  /**
   * The queue RSS picks for a frame: Toeplitz hash of the configured fields, indirection table[hash
   * mod size], folded onto the queue count. No allocation in steady state.
   */
  public int steer(byte[] pkt, int len) {
    return steer(pkt, 0, len);
  }

  public int steer(byte[] pkt, int off, int len) {
    return steer(pkt, off, len, steerScratch.get());
  }

  /**
   * The steer stage of one frame: parse, classify (packet type, offsets, RSS hash and queue,
   * checksum verdicts, flow mark, VLAN tag), all into {@code p}, which then travels with the frame
   * to {@link RxQueue#receive(byte[], int, int, long, RxParse, io.xdpemu.ebpf.vm.RxContext)}. Any
   * thread may steer, each into its own {@link RxParse}. Returns the queue.
   */
  public int steer(byte[] pkt, int off, int len, RxParse p) {
    classify(active, pkt, off, len, p, true);
    return p.queue;
  }

  /**
   * Steers {@code pkt} into {@code p}. With {@code onlyTheirs}, a frame for a queue {@code p}'s
   * owner does not run ({@link RxParse#onlyFor}) is steered only as far as its queue, and left not
   * steered; otherwise the whole steer stage runs.
   */
  void classify(ActiveFirmware fw, byte[] pkt, int off, int len, RxParse p, boolean onlyTheirs) {
    p.prepare(fw);
    ParseResult r = p.result;
    boolean[] fullFor = onlyTheirs ? p.fullFor : null;
    if (r.fullFor != fullFor) {
      r.fullFor = fullFor; // stored only when it changes, as every reference on the frame path
    }
    fw.code().steer(pkt, off, len, r, p.rssInput);
    int hash = r.rssHash;
    p.queue = fw.queueOf(hash);
    p.stripOffset = -1;
    if (fullFor != null && !fullFor[hash & (fullFor.length - 1)]) {
      p.steered = false; // only the queue is known: the rest of the result is stale
      return;
    }
    if (fw.firmware().vlanStrip() && r.vlanOffset >= 0) {
      p.stripOffset = r.vlanOffset;
      VlanStrip.removeTag(r, r.vlanOffset, fw.protocolOf());
    }
    p.steered = true;
  }

  /**
   * Swaps the firmware while traffic flows. The validator runs first (the runtime relocates and
   * verifies the attached program against the candidate's BTF); if it throws, or the candidate does
   * not fit this NIC, the swap is refused with that exception and the old firmware keeps running.
   * Otherwise every queue picks up the new firmware at its next frame: a frame is handled entirely
   * by the old or entirely by the new firmware.
   *
   * @return the new generation number
   */
  public synchronized long load(Firmware candidate, FirmwareValidator validator) {
    checkFits(candidate, config);
    ActiveFirmware compiled =
        ActiveFirmware.compile(candidate, engine, active.generation() + 1, queues.length);
    validator.validate(candidate);
    active = compiled;
    return compiled.generation();
  }

  /** Returns every frame buffer to the pool. */
  @Override
  public void close() {
    Arrays.stream(queues).forEach(RxQueue::release);
  }
}
