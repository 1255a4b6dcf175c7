# Société Générale
resource "a" "b" { # café
  x = 1 /* ÿ */
}
