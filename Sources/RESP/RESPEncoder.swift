// placeholder: RESP helper fills this in
