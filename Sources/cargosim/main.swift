print("cargosim")
