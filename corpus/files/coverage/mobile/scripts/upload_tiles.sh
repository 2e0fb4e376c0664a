#!/bin/sh
mapbox upload acme-maps.routes build/routes.mbtiles --access-token sk.eyJ1IjoiZmxlZXR2aWV3IiwiYSI6InZqMzZ6aHRjeTVzYThqeDJtNG41cmJ2cXMifQ.r9lD2kWyN3dX96MIYpeQag
