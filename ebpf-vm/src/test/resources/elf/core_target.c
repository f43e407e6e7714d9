// Target BTF for core_kinds.c: only its .BTF section is used (compiled with -g).
struct inner {
  int x;
  int y;
};

struct sample {
  long long pad;
  int a;
  int narrow;
  unsigned long long widen;
  int d;
  int arr[8];
  unsigned int other : 7;
  unsigned int bf1 : 9;
  unsigned int bf2 : 2;
  int sbf : 6;
  char pad2[3];
  struct inner in;
};

struct amb___one {
  int x;
};

struct amb___two {
  int pad;
  int x;
};

enum color { RED = 1, GREEN = 20 };
enum big64 { BIG = 0x200000000ULL };

void anchor(struct sample *s, struct amb___one *a, struct amb___two *b, enum color c,
            enum big64 e) {}
