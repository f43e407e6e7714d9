package io.xdpemu.ebpf.btf;

import java.util.List;

/** Hand-built BTF exercising every kind and the C dumper's tricky shapes. */
final class SampleBtf {
  private SampleBtf() {}

  static Btf everyShape() {
    BtfBuilder b = BtfBuilder.standalone();
    int u8 = b.addInt("unsigned char", 1, 0);
    int u16 = b.addInt("short unsigned int", 2, 0);
    int u32 = b.addInt("unsigned int", 4, 0);
    int s32 = b.addInt("int", 4, BtfType.INT_SIGNED);
    int u64 = b.addInt("long long unsigned int", 8, 0);
    int lng = b.addInt("long int", 8, BtfType.INT_SIGNED);
    int chr = b.addInt("char", 1, BtfType.INT_SIGNED | BtfType.INT_CHAR);
    int bool = b.addInt("_Bool", 1, BtfType.INT_BOOL);
    int dbl = b.addFloat("double", 8);
    int tU32 = b.addTypedef("__u32", u32);
    // struct node { struct node *next; struct node *prev; const char *name; u32 flags:3,
    // kind:5; union { u64 a; struct { u32 lo; u32 hi; }; }; }  (cycle through pointers)
    int node = b.nextId();
    int nodePtr = b.addPtr(node + 5);
    int constChar = b.addConst(chr);
    int charPtr = b.addPtr(constChar);
    int anonLoHi =
        b.addStruct(
            "",
            8,
            List.of(new BtfType.Member("lo", tU32, 0, 0), new BtfType.Member("hi", tU32, 32, 0)));
    int anonUnion =
        b.addUnion(
            "",
            8,
            List.of(new BtfType.Member("a", u64, 0, 0), new BtfType.Member("", anonLoHi, 0, 0)));
    int nodeId = b.addStruct("node", 40);
    b.addField("next", nodePtr, 0, 0);
    b.addField("prev", nodePtr, 64, 0);
    b.addField("name", charPtr, 128, 0);
    b.addField("flags", u32, 192, 3);
    b.addField("kind", u32, 195, 5);
    b.addField("", anonUnion, 256, 0);
    if (nodeId != node + 5) {
      throw new AssertionError("id plan broke: " + nodeId);
    }
    // packed header: u8 tag; u32 len (at byte 1); u16 csum (at byte 5); size 7
    b.addStruct(
        "packed_hdr",
        7,
        List.of(
            new BtfType.Member("tag", u8, 0, 0),
            new BtfType.Member("len", u32, 8, 0),
            new BtfType.Member("csum", u16, 40, 0)));
    // enums: signed, anonymous top-level, 64-bit
    int e = b.addEnum("color", 4, true);
    b.addEnumValue("RED", -1);
    b.addEnumValue("GREEN", 2);
    b.addEnum("", 4, false);
    b.addEnumValue("TOP_LEVEL_CONST", 7);
    b.addEnum64("big", 8, false);
    b.addEnumValue("BIG_ONE", 1L << 40);
    // function pointer array: int (*handlers[4])(struct node *, ...)
    int proto = b.addFuncProto(s32);
    b.addParam("n", nodePtr);
    b.addParam("", 0);
    int fnPtr = b.addPtr(proto);
    int idx = b.addInt("__ARRAY_SIZE_TYPE__", 4, 0);
    int handlers = b.addArray(fnPtr, idx, 4);
    int vol = b.addVolatile(lng);
    int grid = b.addArray(b.addArray(u8, idx, 3), idx, 2);
    b.addStruct(
        "ops",
        64,
        List.of(
            new BtfType.Member("handlers", handlers, 0, 0),
            new BtfType.Member("counter", vol, 256, 0),
            new BtfType.Member("grid", grid, 320, 0),
            new BtfType.Member("c", e, 384, 0),
            new BtfType.Member("ok", bool, 416, 0),
            new BtfType.Member("ratio", dbl, 448, 0)));
    // forward-declared union and typedef of a function prototype
    int fwd = b.addFwd("opaque", true);
    int fwdPtr = b.addPtr(fwd);
    int voidProto = b.addFuncProto(0);
    b.addTypedef("callback_t", b.addPtr(voidProto));
    int restrictPtr = b.addRestrict(fwdPtr);
    b.addStruct("holder", 8, List.of(new BtfType.Member("p", restrictPtr, 0, 0)));
    // function, variable, data section, tags
    int mainProto = b.addFuncProto(s32);
    b.addParam("argc", s32);
    int fn = b.addFunc("main_fn", mainProto, BtfType.FUNC_GLOBAL);
    b.addDeclTag("kfunc", fn, -1);
    int var = b.addVar("counter_var", tU32, BtfType.VAR_GLOBAL_ALLOCATED);
    b.addDatasec(".bss", 4);
    b.addVarSecinfo(var, 0, 4);
    b.addTypeTag("user", u32);
    return b.build();
  }
}
