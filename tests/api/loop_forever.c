// A guest that never exits and makes no syscall: the way a bare-metal exit stub ends (`j .`).
// rvtrace must stop it at the step limit and say why.
int main(void) {
  __asm__ volatile("1: j 1b");
  return 0;
}
