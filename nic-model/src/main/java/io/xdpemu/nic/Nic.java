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
 *   Nic nic = Nic.create(firmware, NicConfig.defaults());
 *   int q = nic.steer(bytes, len);                       // RSS: hash -> indirection table
 *   nic.queue(q).receive(bytes, 0, len, tsNs, ctx);      // fills ctx.xdp(), packet, rxMetadata
 *   nic.load(newFirmware, validator);                    // hot swap at a packet boundary
 * </pre>
 *
 * <p>Threads: each queue is used by one thread at a time (as NAPI polls a queue on one CPU); {@link
 * #steer} may be called from any thread; {@link #load} from any thread, concurrently with traffic.
 */
public final class Nic implements AutoCloseable {
  private final NicConfig config;
  private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(false);
  private final RxQueue[] queues;
  private volatile ActiveFirmware active;
  private final ThreadLocal<SteerScratch> steerScratch = new ThreadLocal<>();

  private static final class SteerScratch {
    ActiveFirmware fw;
    ParseResult result;
    byte[] rssInput;
  }

  private Nic(Firmware fw, NicConfig config) {
    this.config = config;
    checkFits(fw, config);
    this.active = ActiveFirmware.compile(fw, 1);
    int n = config.queues() > 0 ? config.queues() : fw.rss() != null ? fw.rss().queues() : 1;
    queues = new RxQueue[n];
    for (int i = 0; i < n; i++) {
      queues[i] = new RxQueue(this, i, allocator);
    }
  }

  public static Nic create(Firmware fw, NicConfig config) {
    return new Nic(fw, config);
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
    ActiveFirmware fw = active;
    SteerScratch s = steerScratch.get();
    if (s == null) {
      s = new SteerScratch();
      steerScratch.set(s);
    }
    if (s.fw != fw) {
      s.fw = fw;
      s.result = fw.parser().newResult();
      s.rssInput = new byte[Math.max(1, fw.classifier().scratchBytes())];
    }
    fw.parser().parse(pkt, off, len, s.result);
    fw.classifier().classify(pkt, off, s.result, s.rssInput);
    return fw.classifier().queueOf(s.result.rssHash) % queues.length;
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
    ActiveFirmware compiled = ActiveFirmware.compile(candidate, active.generation() + 1);
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
