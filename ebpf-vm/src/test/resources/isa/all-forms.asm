# Every instruction form, for the disassembler's golden listing (all-forms.xlated).
mov %r0, 2
mov32 %r1, %r2
add %r1, -8
add32 %r1, 0x7fffffff
sub %r3, %r4
mul32 %r5, 3
div %r1, %r2
sdiv %r1, -3
sdiv32 %r1, %r2
mod32 %r1, 7
smod %r1, %r2
or %r1, 0x10
and32 %r1, %r2
lsh %r1, 3
rsh32 %r1, %r2
arsh %r1, 1
arsh32 %r1, %r3
xor %r1, %r1
neg %r1
neg32 %r2
movsx832 %r1, %r2
movsx1664 %r1, %r2
movsx3264 %r1, %r6
le16 %r1
be32 %r2
be64 %r3
bswap16 %r4
lddw %r1, 0x1122334455667788
lddw %r2, -1
ldxb %r0, [%r1+0]
ldxh %r2, [%r1+12]
ldxw %r2, [%r1+4]
ldxdw %r3, [%r10-8]
ldxsb %r0, [%r1-1]
ldxsh %r0, [%r1+2]
ldxsw %r0, [%r1+4]
stb [%r10-1], -1
sth [%r10-2], 0x1234
stw [%r10-4], 7
stdw [%r10-8], -2
stxb [%r1+0], %r2
stxh [%r1+2], %r2
stxw [%r1+4], %r2
stxdw [%r10-16], %r6
lock add32 [%r1+0], %r2
lock or [%r1+8], %r2
lock and32 [%r1+0], %r2
lock xor [%r1+8], %r2
lock fetch add [%r1+8], %r3
lock fetch and32 [%r1+0], %r3
lock fetch or [%r1+8], %r3
lock fetch xor32 [%r1+0], %r3
lock xchg [%r1+8], %r4
lock xchg32 [%r1+0], %r4
lock cmpxchg [%r1+8], %r5
lock cmpxchg32 [%r1+0], %r5
ldxacqb %r2, [%r1+1]
ldxacqdw %r2, [%r10-8]
stxrelh [%r1+2], %r3
stxrelw [%r10-4], %r3
jeq %r1, 0, +3
jne %r1, -1, +0
jgt %r1, %r2, -2
jge32 %r1, 5, +1
jlt32 %r1, %r2, +1
jle %r1, 9, +1
jset %r1, 0x80, +1
jsgt32 %r1, -7, +1
jsge %r1, %r2, +1
jslt %r1, 4, +1
jsle32 %r1, %r2, +1
ja +1
ja32 +0
call 1
call 12
call 9999
call runtime 77
call local f
exit
f:
mov %r0, 0
exit
