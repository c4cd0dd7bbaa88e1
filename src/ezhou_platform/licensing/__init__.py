"""证照分离与告知承诺 (鄂州政办发〔2022〕27号) on the platform: catalogue, applications, supervision, credit, draws."""
