# ]52;c;cHduZWQ=
