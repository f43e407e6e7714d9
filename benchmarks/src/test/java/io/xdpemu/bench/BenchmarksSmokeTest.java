package io.xdpemu.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.xdpemu.verifier.VerifierResult;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.infra.Blackhole;

/**
 * Every benchmark's set-up and one operation, outside JMH: the inputs are found, the examples load
 * through the real pipeline and run without trapping, and the replay counts every packet. Keeps a
 * broken benchmark from being discovered only when someone measures.
 */
class BenchmarksSmokeTest {
  static final Blackhole BH =
      new Blackhole(
          "Today's password is swordfish. I understand instantiating Blackholes directly is"
              + " dangerous.");

  @Test
  void mapBenchFindsItsKeyAndUpdatesIt() {
    for (String type : MapOps.TYPES) {
      MapBench b = new MapBench();
      b.type = type;
      b.setUp();
      assertTrue(b.lookup() != 0, type);
      assertEquals(0, b.update(), type);
      assertTrue(b.lookup() != 0, type);
    }
  }

  @Test
  void everyExampleProgramRunsOnEveryPacketOfTheCapture() {
    for (String engine : new String[] {"interp", "jit"}) {
      for (String p :
          new String[] {
            "xdp_pass",
            "xdp_drop",
            "xdp_counter",
            "xdp_bounce",
            "xdp_calls",
            "xdp_meta",
            "xdp_alu",
            "xdp_hints"
          }) {
        ProgramBench b = new ProgramBench();
        b.program = p;
        b.engine = engine;
        b.setup();
        b.run(BH);
        b.baseline(BH);
      }
    }
  }

  @Test
  void nicReceivesEveryPacketWithEveryFirmware() {
    for (String fw : new String[] {"plain", "mynic-kernel", "mynic-v1", "mynic-v2"}) {
      for (String engine : new String[] {"compiled", "interpreter"}) {
        NicBench b = new NicBench();
        b.firmware = fw;
        b.fwEngine = engine;
        b.setup();
        b.receive(BH);
        b.baseline(BH);
        b.tearDown();
      }
    }
  }

  /**
   * The floor's set-up compares its hand-written queue and checksum verdicts with the NIC's on
   * every frame of mixed-1k (it throws on the first that differs), so a NIC change that moves a
   * frame shows here, not as a floor measuring less work than the NIC does.
   */
  @Test
  void nicFloorGivesEveryFrameTheNicsQueueAndVerdicts() {
    for (String traffic : new String[] {"mixed-1k", "one-frame"}) {
      NicFloorBench b = new NicFloorBench();
      b.traffic = traffic;
      b.setup();
      b.steer(BH);
      b.receive(BH);
      b.verdicts(BH);
    }
  }

  @Test
  void replayCountsEveryPacketOfEveryPass() {
    ReplayBench b = new ReplayBench();
    b.program = "xdp_counter";
    b.queues = 2;
    b.nic = "mynic-v2";
    b.engine = "jit";
    b.fwEngine = "compiled";
    b.setup();
    assertEquals(ReplayBench.PACKETS, b.replay());
    assertEquals(2L * ReplayBench.PACKETS, b.replay());
    b.tearDown();
  }

  @Test
  void loadStagesRunForTheHintsProgram() {
    LoadBench b = new LoadBench();
    b.program = "xdp_hints";
    b.setup();
    assertNotNull(b.readElf());
    assertNotNull(b.coreRelocate());
    assertTrue(((VerifierResult) b.verify()).accepted());
    assertNotNull(b.load());
  }

  @Test
  void interpreterBenchProgramsRunOnEveryEngine() {
    for (String engine : new String[] {"interp", "jit"}) {
      InterpreterBench b = new InterpreterBench();
      b.engine = engine;
      b.setup();
      b.aluLoop();
      b.xdpSubnet(BH);
    }
  }
}
