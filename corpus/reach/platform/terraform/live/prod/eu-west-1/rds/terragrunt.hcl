include "root" {
  path = find_in_parent_folders()
}

inputs = {
  instance_class  = "db.r6g.xlarge"
  master_password = "-DdpyYLQ5SsliZ9aSZ"
}
