// bootstrap: placeholder until the handler is wired (replaced in this same series of commits).
int main() { return 1; }
