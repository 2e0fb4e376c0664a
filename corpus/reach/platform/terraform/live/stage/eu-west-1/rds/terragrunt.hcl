include "root" {
  path = find_in_parent_folders()
}

inputs = {
  instance_class  = "db.t4g.medium"
  master_password = "oHJiFBihnL2w7BkqLKlMIG"
}
