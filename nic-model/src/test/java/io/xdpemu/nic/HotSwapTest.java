package io.xdpemu.nic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.ebpf.ProgramRejectedException;
import io.xdpemu.ebpf.vm.ExecutionContext;
import io.xdpemu.ebpf.vm.RegionRegistry;
import io.xdpemu.ebpf.vm.XdpBuff;
import io.xdpemu.nic.firmware.Firmware;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HotSwapTest {
  private static final Firmware V1 = TestFiles.firmware("mynic-v1.json");
  private static final Firmware V2 = TestFiles.firmware("mynic-v2.json");

  /** The ptype as the layout of the frame's own firmware says: v1 u64 @16, v2 u16 @8. */
  private static long ptypeSeen(XdpBuff x) {
    ByteBuffer m =
        ByteBuffer.wrap(x.frame, x.meta, x.metaLength()).slice().order(ByteOrder.LITTLE_ENDIAN);
    return x.metaLength() == 32 ? m.getLong(16) : m.getShort(8);
  }

  @Test
  void swapTakesEffectAtAPacketBoundaryOnEveryQueue() throws Exception {
    byte[] tcp = RxPathTest.TCP;
    try (Nic nic = Nic.create(V1, NicConfig.defaults())) {
      int queues = nic.queueCount();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      CountDownLatch running = new CountDownLatch(queues);
      long[] afterSwap = new long[queues];
      long[] swapSeenAt = new long[queues];
      long[] frames = new long[queues];
      long[] swapGenerationPublishedAt = new long[1];
      List<Thread> threads = new ArrayList<>();
      for (int i = 0; i < queues; i++) {
        int qi = i;
        Thread t =
            new Thread(
                () -> {
                  try {
                    ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
                    RxQueue q = nic.queue(qi);
                    long lastGen = 1;
                    boolean counted = false;
                    while (!stop.get() || q.lastGeneration() < 2) {
                      long genBefore = nic.generation();
                      q.receive(tcp, 0, tcp.length, frames[qi], ctx);
                      long gen = q.lastGeneration();
                      XdpBuff x = ctx.xdp();
                      // Whole frame handled by one firmware: layout size and the values agree with
                      // it.
                      int expectSize = gen == 1 ? 32 : 40;
                      long expectPtype =
                          gen == 1 ? 1 : 0x21; // MYNIC_PTYPE_IPV4_TCP in v1 and in v2
                      if (x.metaLength() != expectSize || ptypeSeen(x) != expectPtype) {
                        throw new AssertionError(
                            "queue "
                                + qi
                                + " frame "
                                + frames[qi]
                                + ": gen "
                                + gen
                                + " meta "
                                + x.metaLength()
                                + " ptype "
                                + ptypeSeen(x));
                      }
                      if (gen < lastGen || gen < genBefore) {
                        throw new AssertionError("queue " + qi + " went back or lagged: " + gen);
                      }
                      if (gen == 2 && lastGen == 1) {
                        swapSeenAt[qi] = frames[qi];
                      }
                      lastGen = gen;
                      if (gen == 2) {
                        afterSwap[qi]++;
                      }
                      frames[qi]++;
                      if (!counted && frames[qi] == 1000) {
                        counted = true;
                        running.countDown();
                      }
                    }
                  } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    running.countDown();
                  }
                });
        threads.add(t);
        t.start();
      }
      running.await();
      long gen = nic.load(V2, fw -> assertSame(V2, fw));
      swapGenerationPublishedAt[0] = gen;
      Thread.sleep(50);
      stop.set(true);
      for (Thread t : threads) {
        t.join(10_000);
      }
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertEquals(2, gen);
      for (int i = 0; i < queues; i++) {
        assertTrue(swapSeenAt[i] >= 1000, "queue " + i + " ran v1 first");
        assertTrue(afterSwap[i] > 0, "queue " + i + " switched to v2");
      }
    }
  }

  @Test
  void refusedSwapKeepsTheOldFirmwareRunning() {
    try (Nic nic = Nic.create(V1, NicConfig.defaults())) {
      ExecutionContext ctx = new ExecutionContext(new RegionRegistry());
      RxQueue q = nic.queue(0);
      q.receive(RxPathTest.TCP, 0, RxPathTest.TCP.length, 1, ctx);
      ProgramRejectedException e =
          assertThrows(
              ProgramRejectedException.class,
              () ->
                  nic.load(
                      V2,
                      fw -> {
                        throw new ProgramRejectedException(
                            "CO-RE relocation failed against " + fw.name());
                      }));
      assertTrue(e.getMessage().contains("CO-RE relocation failed"));
      assertEquals(1, nic.generation());
      assertSame(V1, nic.firmware());
      q.receive(RxPathTest.TCP, 0, RxPathTest.TCP.length, 2, ctx);
      assertEquals(32, ctx.xdp().metaLength());
      assertEquals(1, q.lastGeneration());
      // A firmware that does not fit the NIC is refused before the validator runs.
      try (Nic small = Nic.create(V1, NicConfig.defaults().withHeadroom(72))) {
        boolean[] ran = {false};
        assertThrows(
            io.xdpemu.ebpf.MalformedInputException.class,
            () -> small.load(V2, fw -> ran[0] = true));
        assertEquals(false, ran[0]);
        assertSame(V1, small.firmware());
      }
    }
  }
}
