package io.xdpemu.ebpf.btf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BtfFuncSignatureTest {
  @Test
  void spellsFunctionsLikeBpftoolXlated() {
    Btf btf = SampleBtf.everyShape();
    assertEquals(
        "int main_fn(int argc)", BtfFuncSignature.of(btf, btf.find("main_fn", BtfKind.FUNC)));
  }

  @Test
  void unnamedParametersLoseTheTrailingSpaceAndVarargsPrintDots() {
    BtfBuilder b = BtfBuilder.standalone();
    int i = b.addInt("int", 4, BtfType.INT_SIGNED);
    int s = b.addStruct("node", 0);
    int p = b.addPtr(s);
    int proto = b.addFuncProto(b.addConst(i));
    b.addParam("", p);
    b.addParam("", 0);
    int f = b.addFunc("f", proto, BtfType.FUNC_GLOBAL);
    Btf btf = b.build();
    assertEquals("const int f(struct node *, ...)", BtfFuncSignature.of(btf, f));
    assertEquals("", BtfFuncSignature.of(btf, 99), "unprintable gives empty, as bpftool");
  }
}
