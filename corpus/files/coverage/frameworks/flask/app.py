from flask import Flask

app = Flask(__name__)
app.secret_key = 'OhQ28rubXnYDGrNOxfJSmIXagjvo8DnM'
