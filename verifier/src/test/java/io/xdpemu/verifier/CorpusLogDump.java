package io.xdpemu.verifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;

/** Writes our level-2 logs next to the objects (target/verifier-corpus/NAME.MODE.vlog). */
class CorpusLogDump {
  @Test
  void dump() throws Exception {
    StringBuilder sb = new StringBuilder();
    for (CorpusPrograms.Row row : CorpusPrograms.results()) {
      CorpusPrograms.Loaded p = CorpusPrograms.load(row.name());
      for (boolean priv : new boolean[] {true, false}) {
        int level = row.name().startsWith("unsafe_05") ? 0 : 2;
        VerifierResult r =
            Verifier.verify(
                p.insns(), new VerifierOptions(priv, level, p.info(), 1_000_000));
        Path out = Paths.get("target", "verifier-corpus", row.name() + (priv ? ".priv" : ".noperfmon") + ".vlog");
        Files.writeString(out, r.log());
        if (priv) {
          sb.append(String.format("%-45s kernel %7d ours %7d %s%n", row.name(), row.privInsns(), r.insnProcessed(), r.accepted()));
        }
      }
    }
    Files.writeString(Paths.get("target", "verifier-corpus", "insns.txt"), sb.toString());
  }
}
