import pyowm

owm = pyowm.OWM('nyib5whc9di04yov2quit8xya03rmphg')
build.gradle_args = ['sonar.login', '8d7691cde236378cdef7d422ff0159f996a01f36']
