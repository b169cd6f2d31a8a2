#include "cli/main.hpp"

int main(int argc, char** argv) { return lcd::cli::run(argc, argv); }
