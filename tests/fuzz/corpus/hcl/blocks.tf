x { a = 1 }
y {}
z "l" bare {
  nested { b = [1, 2.5e3, -4,] }
}
