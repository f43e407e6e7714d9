package io.xdpemu.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

class CompilerActivityTest {
  /** JDK 17's `jcmd PID Compiler.queue` while C2 compiles and more waits (test-run warm-up). */
  private static final String BUSY =
      "Current compiles: \n"
          + "C2 CompilerThread0   921       4       jdk.internal.org.objectweb.asm.Frame::execute"
          + " (2305 bytes)\n\n"
          + "C1 compile queue:\nEmpty\n\n"
          + "C2 compile queue:\n"
          + " 985       4       io.xdpemu.ebpf.jit.Bpf_xdp_pass/0x00007f26e40a0c00::call (29 bytes)\n"
          + "1021 %     4       io.xdpemu.runtime.TestRun$Session::run @ 34 (145 bytes)\n";

  private static final String QUEUED_ONLY =
      "Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\n"
          + " 985       4       io.xdpemu.ebpf.jit.Bpf_xdp_pass/0x00007f26e40a0c00::f0 (43 bytes)\n";

  private static final String IDLE =
      "Current compiles: \n\nC1 compile queue:\nEmpty\n\nC2 compile queue:\nEmpty\n\n";

  @Test
  void aRunningOrQueuedCompilationIsWork() {
    assertTrue(CompilerActivity.listsWork(BUSY));
    assertTrue(CompilerActivity.listsWork(QUEUED_ONLY));
    assertFalse(CompilerActivity.listsWork(IDLE));
  }

  @Test
  void theRunningJvmListsItsQueuesInTheFormatReadHere() throws Exception {
    // The warm-up's rule rests on this JDK's listing; a JDK that changed it must fail here.
    String listing =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerQueue",
                    new Object[] {null},
                    new String[] {String[].class.getName()});
    assertTrue(listing.contains("Current compiles:"), listing);
    assertTrue(listing.contains("compile queue:"), listing);
  }

  @Test
  void theFirstSampleCountsAsBusy() {
    assertTrue(new CompilerActivity().quietFor(System.nanoTime()) == 0);
  }
}
