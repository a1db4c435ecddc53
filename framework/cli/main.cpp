#include <iostream>

int main() {
  std::cout << "nclab\n";
  return 0;
}
