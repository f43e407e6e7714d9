package io.xdpemu.ebpf.isa;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class DisassemblerTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = DisassemblerTest.class.getResourceAsStream("/isa/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @Test
  void listsEveryInstructionFormAsTheGoldenFileInKernelNotation() throws IOException {
    Insn[] insns = Decoder.validate(Assembler.assemble(resource("all-forms.asm")));
    List<String> expected = Arrays.asList(resource("all-forms.xlated").split("\n"));
    assertEquals(expected, new Disassembler().listing(insns));
  }

  @Test
  void resolverSuppliesMapIdsHelperAndKfuncNamesAndSourceLines() {
    Insn[] insns =
        Decoder.validate(
            new Insn[] {
              new Insn(0x18, 1, 1, 0, 3), new Insn(0, 0, 0, 0, 0),
              new Insn(0x85, 0, 0, 0, 5000), new Insn(0x85, 0, 2, 0, 61234),
              new Insn(0x95, 0, 0, 0, 0)
            });
    Disassembler.Resolver resolver =
        new Disassembler.Resolver() {
          @Override
          public String helperName(int id) {
            return id == 5000 ? "xdpemu_probe" : null;
          }

          @Override
          public String kfuncName(int pc, Insn insn) {
            return "bpf_xdp_metadata_rx_hash";
          }

          @Override
          public List<String> comments(int pc) {
            return pc == 0 ? List.of("int x = 1;") : List.of();
          }

          @Override
          public String functionHeader(int pc) {
            return pc == 0 ? "int prog(struct xdp_md * ctx)" : null;
          }
        };
    assertEquals(
        List.of(
            "int prog(struct xdp_md * ctx):",
            "; int x = 1;",
            "   0: (18) r1 = map[id:3]",
            "   2: (85) call xdpemu_probe#5000",
            "   3: (85) call bpf_xdp_metadata_rx_hash#61234",
            "   4: (95) exit"),
        new Disassembler(resolver).listing(insns));
  }

  @Test
  void mapValueAndPseudoFuncLoadsFollowBpftool() {
    Insn[] insns = {
      new Insn(0x18, 2, 2, 0, 49), new Insn(0, 0, 0, 0, 16),
      new Insn(0x18, 3, 4, 0, 7), new Insn(0, 0, 0, 0, 0),
    };
    Disassembler d = new Disassembler();
    assertEquals("(18) r2 = map[id:49][0]+16", d.format(insns, 0));
    assertEquals("(18) r3 = subprog[+7]", d.format(insns, 2));
  }
}
